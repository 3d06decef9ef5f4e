package dev.veil.server;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The client watch over real sockets: only a client that closes its end counts as gone. */
class ClientWatchTest {
    @Test
    void aClientThatClosesIsGone() throws Exception {
        try (ClientWatch watch = new ClientWatch();
                ServerSocketChannel server = listen();
                Socket client = connect(server);
                SocketChannel accepted = accept(server)) {
            CountDownLatch gone = new CountDownLatch(1);
            try (ClientWatch.Watch w = watch.watch(accepted, gone::countDown)) {
                Thread.sleep(100);
                client.close();
                assertTrue(gone.await(5, TimeUnit.SECONDS), "the closed client is noticed");
            }
        }
    }

    @Test
    void aClientThatSendsWhileItsRequestRunsIsNotGone() throws Exception {
        try (ClientWatch watch = new ClientWatch();
                ServerSocketChannel server = listen();
                Socket client = connect(server);
                SocketChannel accepted = accept(server)) {
            CountDownLatch gone = new CountDownLatch(1);
            try (ClientWatch.Watch w = watch.watch(accepted, gone::countDown)) {
                Thread.sleep(100);
                OutputStream out = client.getOutputStream();
                out.write("POST / HTTP/1.1\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                out.flush();
                assertFalse(gone.await(1, TimeUnit.SECONDS), "bytes from a live client are not its end");
                // The bytes are still there for the HTTP server to read.
                assertTrue(accepted.socket().getInputStream().available() > 0);
            }
        }
    }

    @Test
    void bytesThatTheServersOwnReaderTakesFirstAreNotTheEndOfTheStream() throws Exception {
        try (ClientWatch watch = new ClientWatch();
                ServerSocketChannel server = listen();
                Socket client = connect(server);
                SocketChannel accepted = accept(server)) {
            // The HTTP server's reader, racing the watch for every byte the client sends: the watch
            // often sees the socket readable and then nothing left to read. The bytes come 300 ms
            // apart (a live client does not stream while its request runs).
            java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
            Thread reader = new Thread(() -> {
                java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate(64);
                try {
                    while (!stop.get()) {
                        buffer.clear();
                        if (accepted.read(buffer) < 0) {
                            return;
                        }
                    }
                } catch (java.io.IOException e) {
                    // closed
                }
            });
            reader.start();
            CountDownLatch gone = new CountDownLatch(1);
            try (ClientWatch.Watch w = watch.watch(accepted, gone::countDown)) {
                Thread.sleep(100);
                OutputStream out = client.getOutputStream();
                for (int i = 0; i < 10; i++) {
                    out.write('x');
                    out.flush();
                    Thread.sleep(300);
                }
                // (A watch that saw a byte before the reader took it has ended: a client that sends is alive.)
                assertFalse(
                        gone.await(500, TimeUnit.MILLISECONDS),
                        "bytes taken by another reader are not the client's end");
            } finally {
                stop.set(true);
                reader.join(5_000);
            }
        }
    }

    @Test
    void aClosedWatchRunsNothing() throws Exception {
        try (ClientWatch watch = new ClientWatch();
                ServerSocketChannel server = listen();
                Socket client = connect(server);
                SocketChannel accepted = accept(server)) {
            CountDownLatch gone = new CountDownLatch(1);
            watch.watch(accepted, gone::countDown).close();
            Thread.sleep(100);
            client.close();
            assertFalse(gone.await(1, TimeUnit.SECONDS), "a watch that ended does not fire");
        }
    }

    private static ServerSocketChannel listen() throws Exception {
        ServerSocketChannel server = ServerSocketChannel.open();
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        return server;
    }

    private static Socket connect(ServerSocketChannel server) throws Exception {
        return new Socket(InetAddress.getLoopbackAddress(), ((InetSocketAddress) server.getLocalAddress()).getPort());
    }

    private static SocketChannel accept(ServerSocketChannel server) throws Exception {
        SocketChannel channel = server.accept();
        channel.configureBlocking(false);
        return channel;
    }
}
