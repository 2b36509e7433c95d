"""core.broker: a message settled after its channel closed keeps the worker alive and is not lost."""

import uuid

import kombu
import pytest
from django.conf import settings

from core.broker import Transport

pytestmark = pytest.mark.redis


@pytest.fixture
def queue_name():
    name = f"canting-test-{uuid.uuid4().hex}"
    yield name
    with kombu.Connection(settings.REDIS_URL, transport=Transport) as connection:
        kombu.Queue(name, channel=connection.channel()).delete()


def _delivered(connection: kombu.Connection, name: str) -> kombu.Message:
    channel = connection.channel()
    queue = kombu.Queue(name, channel=channel)
    queue.declare()
    kombu.Producer(channel).publish({"booking": 1}, routing_key=name)
    message = queue.get(no_ack=False)
    assert message is not None
    return message


@pytest.mark.parametrize("settle", ["ack", "reject", "requeue"])
def test_settling_a_message_after_its_channel_closed_does_not_end_the_worker(queue_name, settle):
    with kombu.Connection(settings.REDIS_URL, transport=Transport) as connection:
        message = _delivered(connection, queue_name)
        channel = message.channel
        # What a worker goes through when Redis drops it twice: the first loss put the
        # unacknowledged message back, the second closed the channel, and then the task ended.
        channel.qos.restore_unacked_once()
        channel.close()

        # kombu's own QoS fails here with AttributeError, which Celery treats as fatal.
        if settle == "ack":
            message.ack()
        else:
            message.reject(requeue=settle == "requeue")

        assert message.delivery_tag not in channel.qos._delivered  # the worker's slot is free
    with kombu.Connection(settings.REDIS_URL, transport=Transport) as connection:
        again = kombu.Queue(queue_name, channel=connection.channel()).get(no_ack=True)
    assert again is not None and again.payload == {"booking": 1}  # handed out again, not lost
