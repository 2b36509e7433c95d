"""The Redis broker transport, with one fix: an acknowledgement that times out still frees its slot.

kombu's Redis QoS removes a message from Redis's "unacked" index and then frees
the worker's prefetch slot. When Redis stalls (hung, or paused) the first step
times out, the slot is never freed, and a worker whose every slot is taken this
way never fetches another message, even after Redis answers again: confirmation
e-mails would wait until someone restarts the worker. Freeing the slot anyway is
safe: the message stays in the unacked index, Redis hands it out again after the
visibility timeout, and the outbox's claim makes the second run send nothing.
"""

from kombu.transport import redis, virtual


class QoS(redis.QoS):
    def ack(self, delivery_tag: str) -> None:
        try:
            self._remove_from_indices(delivery_tag).execute()
        finally:
            virtual.QoS.ack(self, delivery_tag)

    def reject(self, delivery_tag: str, requeue: bool = False) -> None:
        try:
            if requeue:
                self.restore_by_tag(delivery_tag, leftmost=True)
            else:
                self._remove_from_indices(delivery_tag).execute()
        finally:
            virtual.QoS.ack(self, delivery_tag)


class Channel(redis.Channel):
    QoS = QoS


class Transport(redis.Transport):
    Channel = Channel
