"""The worker's consumer group follows the topic prefix."""

from shared.config import BaseServiceSettings


class _Settings(BaseServiceSettings):
    service_name: str = "matching_service"


def test_without_a_prefix_the_group_is_the_service_name():
    assert _Settings(_env_file=None).consumer_group == "matching_service"


def test_a_topic_prefix_also_prefixes_the_group():
    settings = _Settings(_env_file=None, kafka_topic_prefix="t42.")
    assert settings.topic("patient.events").startswith("t42.")
    assert settings.consumer_group == "t42.matching_service"
