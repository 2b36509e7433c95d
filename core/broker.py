"""The Redis broker transport, with one fix: an acknowledgement that times out still frees its slot.

kombu's Redis QoS removes a message from Redis's "unacked" index and then frees
the worker's prefetch slot. When Redis stalls (hung, or paused) the first step
times out, the slot is never freed, and a worker whose every slot is taken this
way never fetches another message, even after Redis answers again: confirmation
e-mails would wait until someone restarts the worker. Freeing the slot anyway is
safe: the message stays in the unacked index, Redis hands it out again after the
visibility timeout, and the outbox's claim makes the second run send nothing.

And one more: when the connection drops while a task is running (acks late), the
worker puts the message back as it closes the channel; kombu then fails with an
AttributeError (the channel has no connection left to build a client from), which
the worker treats as fatal and exits. Leaving the message where it is (Redis hands
it out again after the visibility timeout) lets the worker reconnect instead.
The same holds for an acknowledgement that arrives after its channel closed
(a task finishing while the worker reconnects): it frees the slot and leaves
Redis alone, instead of failing the same way.
"""

import logging

from kombu.transport import redis, virtual

logger = logging.getLogger(__name__)


class QoS(redis.QoS):
    def restore_unacked(self, client=None) -> None:
        try:
            super().restore_unacked(client)
        except Exception as exc:  # noqa: BLE001 - closing a dead connection must not end the worker
            logger.warning(
                "broker: %s unacknowledged message(s) left to the visibility timeout: %r",
                len(self._delivered),
                exc,
            )
            self._delivered.clear()

    def ack(self, delivery_tag: str) -> None:
        try:
            if self._channel_open(delivery_tag):
                self._remove_from_indices(delivery_tag).execute()
        finally:
            virtual.QoS.ack(self, delivery_tag)

    def reject(self, delivery_tag: str, requeue: bool = False) -> None:
        try:
            if not self._channel_open(delivery_tag):
                pass
            elif requeue:
                self.restore_by_tag(delivery_tag, leftmost=True)
            else:
                self._remove_from_indices(delivery_tag).execute()
        finally:
            virtual.QoS.ack(self, delivery_tag)

    def _channel_open(self, delivery_tag: str) -> bool:
        if self.channel.connection is not None:
            return True
        logger.warning(
            "broker: message %s settled after its channel closed; left to the visibility timeout",
            delivery_tag,
        )
        return False


class Channel(redis.Channel):
    QoS = QoS


class Transport(redis.Transport):
    Channel = Channel
