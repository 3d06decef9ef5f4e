package dev.veil.server;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.ssl.SslConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Notices clients that go away while their request runs. The thin driver sends one request at a
 * time on a connection and waits for its answer, so while a request runs its socket has nothing
 * to read: when it becomes readable with no bytes to read, and is still so when looked at again
 * {@value #CONFIRM_NANOS} ns later, the client has closed it (its process died, or it gave up);
 * bytes mean a live client that sent early, and the watch ends without cancelling. (One look is
 * not enough: bytes that the HTTP server's own reader takes between the selector's event and the
 * count of readable bytes would look like the end of the stream, and cancel a live client's
 * statement.)
 * The watch registers the socket with a selector of its own for that one event and never reads
 * from it, so the HTTP server's own reading is untouched; the caller then cancels what the
 * request was running. Without this, the statement of a killed client would run to its end.
 */
final class ClientWatch implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClientWatch.class);
    /** How long a socket seen readable with nothing to read is left before it is looked at again. */
    private static final long CONFIRM_NANOS = 100_000_000L;
    /**
     * A second look this long after the first starts over (the first was a false alarm): an end of
     * stream is readable again at once when read interest comes back, taken bytes are not.
     */
    private static final long FORGET_NANOS = CONFIRM_NANOS + 50_000_000L;

    private final Selector selector;
    private final Queue<Runnable> changes = new ConcurrentLinkedQueue<>();
    /** Suspected watches whose read interest is off until they are looked at again; watch thread only. */
    private final List<Watched> rechecks = new ArrayList<>();

    private final Thread thread;
    private volatile boolean closed;

    /** One watched request; closing it stops the watch. */
    interface Watch extends AutoCloseable {
        @Override
        void close();
    }

    private static final class Watched {
        final Runnable gone;
        volatile boolean done;
        SelectionKey key;
        /** When the socket was first seen readable with nothing to read (0: not suspected); watch thread only. */
        long suspectedAt;

        Watched(Runnable gone) {
            this.gone = gone;
        }
    }

    ClientWatch() {
        try {
            this.selector = Selector.open();
        } catch (IOException e) {
            throw new IllegalStateException("Cannot open a selector: " + e.getMessage(), e);
        }
        this.thread = new Thread(this::run, "veil-client-watch");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Watches the connection of {@code endpoint} until the returned watch is closed, and runs
     * {@code gone} (once, on the watch's thread) if the client closes it before.
     */
    Watch watch(EndPoint endpoint, Runnable gone) {
        return watch(channelOf(endpoint), gone);
    }

    /** Watches {@code channel} (none when null) as {@link #watch(EndPoint, Runnable)} does. */
    Watch watch(SocketChannel channel, Runnable gone) {
        requireNonNull(gone, "gone is null");
        if (channel == null || closed) {
            return () -> {};
        }
        Watched watched = new Watched(gone);
        changes.add(() -> {
            if (watched.done) {
                return;
            }
            try {
                watched.key = channel.register(selector, SelectionKey.OP_READ, watched);
            } catch (ClosedChannelException e) {
                // Closed before the watch began: the client is already gone.
                watched.done = true;
                gone.run();
            } catch (RuntimeException e) {
                LOG.debug("Cannot watch a client connection: {}", e.toString());
            }
        });
        selector.wakeup();
        return () -> {
            watched.done = true;
            changes.add(() -> {
                if (watched.key != null) {
                    watched.key.cancel();
                }
            });
            selector.wakeup();
        };
    }

    private static SocketChannel channelOf(EndPoint endpoint) {
        EndPoint e = endpoint;
        if (e instanceof SslConnection.DecryptedEndPoint decrypted) {
            e = decrypted.getSslConnection().getEndPoint();
        }
        return e != null && e.getTransport() instanceof SocketChannel channel ? channel : null;
    }

    private void run() {
        while (!closed) {
            try {
                selector.select(selectTimeoutMillis());
                for (Runnable change = changes.poll(); change != null; change = changes.poll()) {
                    change.run();
                }
                long now = System.nanoTime();
                rearmDueRechecks(now);
                Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
                while (keys.hasNext()) {
                    SelectionKey key = keys.next();
                    keys.remove();
                    Watched watched = (Watched) key.attachment();
                    if (watched.done || !key.isValid()) {
                        key.cancel();
                        continue;
                    }
                    if (hasData(key)) {
                        key.cancel();
                        continue;
                    }
                    if (watched.suspectedAt == 0 || now - watched.suspectedAt > FORGET_NANOS) {
                        // Readable with nothing to read: the end of the stream, or bytes that the HTTP
                        // server's own reader took between the two looks. Look again a little later:
                        // an end stays readable, taken bytes do not.
                        watched.suspectedAt = now;
                        key.interestOps(0);
                        rechecks.add(watched);
                        continue;
                    }
                    key.cancel();
                    watched.done = true;
                    LOG.info(
                            "A client closed its connection while its request ran; cancelling the request's statements");
                    try {
                        watched.gone.run();
                    } catch (RuntimeException e) {
                        LOG.warn("Cancelling the statements of a departed client failed", e);
                    }
                }
            } catch (IOException | CancelledKeyException | java.nio.channels.ClosedSelectorException e) {
                if (!closed) {
                    LOG.warn("Watching client connections failed: {}", e.toString());
                }
            }
        }
    }

    /** How long the selector may wait: until the next suspected watch is due to be looked at again. */
    private long selectTimeoutMillis() {
        long timeout = 1000;
        long now = System.nanoTime();
        for (Watched w : rechecks) {
            timeout = Math.min(timeout, Math.max(1, (w.suspectedAt + CONFIRM_NANOS - now) / 1_000_000 + 1));
        }
        return timeout;
    }

    /** Turns read interest back on for suspected watches whose pause is over. */
    private void rearmDueRechecks(long now) {
        for (Iterator<Watched> it = rechecks.iterator(); it.hasNext(); ) {
            Watched w = it.next();
            if (w.done || w.key == null || !w.key.isValid()) {
                it.remove();
            } else if (now - w.suspectedAt >= CONFIRM_NANOS) {
                it.remove();
                w.key.interestOps(SelectionKey.OP_READ);
            }
        }
    }

    /**
     * Whether the readable socket of {@code key} holds bytes rather than its end: a client that
     * sends while its request runs is alive (it is not ours to read them), and only the end of
     * the stream means that it went away. The count of readable bytes is asked without reading
     * any; when it cannot be asked, the client is taken to be there.
     */
    private static boolean hasData(SelectionKey key) {
        if (!(key.channel() instanceof SocketChannel channel)) {
            return false;
        }
        try {
            int available = channel.socket().getInputStream().available();
            if (available > 0) {
                LOG.info(
                        "A client sent {} bytes while its request ran; its connection is no longer watched", available);
                return true;
            }
            return false;
        } catch (IOException | RuntimeException e) {
            // Not knowing is no proof that the client left: the request goes on (its time limit still applies).
            LOG.info("Cannot tell whether a client is still connected ({}); its request goes on", e.toString());
            return true;
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            selector.close();
        } catch (IOException e) {
            LOG.debug("Closing the client watch selector failed: {}", e.toString());
        }
    }
}
