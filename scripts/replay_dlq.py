"""List or replay dead-lettered messages: `python scripts/replay_dlq.py patient-events [--replay]`.

Without `--replay` it only lists them. `--offset P:O` limits the replay to one message.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from shared.config import BaseServiceSettings  # noqa: E402
from shared.kafka.dlq import read_dead_letters, replay  # noqa: E402
from shared.kafka.robust_producer import RobustKafkaProducer  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("topic", help="the original topic, e.g. patient-events")
    parser.add_argument("--replay", action="store_true", help="publish them again")
    parser.add_argument("--offset", help="only this message, as PARTITION:OFFSET")
    parser.add_argument("--bootstrap", default=BaseServiceSettings().kafka_bootstrap_servers)
    args = parser.parse_args(argv)
    producer = RobustKafkaProducer(args.bootstrap, "dlq-replay") if args.replay else None
    count = 0
    for letter in read_dead_letters(args.bootstrap, args.topic):
        if args.offset and args.offset != f"{letter.partition}:{letter.offset}":
            continue
        print(f"{letter.partition}:{letter.offset} key={letter.key} error={letter.error}")
        if producer is not None:
            replay(letter, producer)
        count += 1
    if producer is not None:
        producer.close()
    print(f"{count} message(s) {'replayed' if args.replay else 'listed'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
