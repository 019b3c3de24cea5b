package dev.flint.devstack.topology;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;

/**
 * The resource network's web server, run as its own small JVM in the resource namespace: {@code GET /} answers
 * with the resource's name and the client address it saw (showing whether traffic arrived through the gateway's
 * masquerade), {@code GET /bytes?n=N} with N bytes for transfer checks, {@code GET /random?n=N&seed=S} with N bytes
 * of {@link PseudoRandomBytes} (a download whose SHA-256 the client can check). On {@link AddressPlan#RESET_PORT} it
 * also answers any request with a response that promises twice what it sends and then resets the connection (TCP
 * RST): how a client sees a server dying mid-transfer.
 */
public final class ResourceWebServer {

    private static final int MAX_BYTES = 64 << 20;

    private ResourceWebServer() {
    }

    /** Arguments: bind address, port, name to announce. */
    public static void main(String[] args) throws IOException {
        if (args.length != 3) {
            System.err.println("usage: ResourceWebServer ADDRESS PORT NAME");
            System.exit(2);
        }
        String name = args[2];
        HttpServer server = HttpServer.create(
            new InetSocketAddress(InetAddress.ofLiteral(args[0]), Integer.parseInt(args[1])), 64);
        server.createContext("/", exchange -> answer(exchange, name));
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
        ServerSocket resets = new ServerSocket();
        resets.bind(new InetSocketAddress(InetAddress.ofLiteral(args[0]), AddressPlan.RESET_PORT), 16);
        Thread.ofPlatform().name("reset-server").start(() -> resetForEver(resets));
        System.out.println("serving " + name + " on http://" + args[0] + ":" + args[1] + "/, resetting on port "
            + AddressPlan.RESET_PORT);
    }

    /** Every connection: read the request, promise 2N bytes (N from {@code ?n=N}, default 1 MiB), send N, reset. */
    private static void resetForEver(ServerSocket server) {
        while (true) {
            Socket socket;
            try {
                socket = server.accept();
            } catch (IOException e) {
                return;
            }
            Thread.ofVirtual().start(() -> {
                try (socket) {
                    String head = readHead(socket.getInputStream());
                    java.util.regex.Matcher m = java.util.regex.Pattern.compile("[?&]n=(\\d{1,9})").matcher(head);
                    int n = m.find() ? Math.min(Integer.parseInt(m.group(1)), MAX_BYTES) : 1 << 20;
                    OutputStream out = socket.getOutputStream();
                    out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: "
                        + 2L * n + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    PseudoRandomBytes.write(1, n, out);
                    out.flush();
                    // Let what was sent drain first: closing with a zero linger discards unsent data.
                    Thread.sleep(300);
                    socket.setSoLinger(true, 0);
                } catch (IOException | InterruptedException e) {
                    // the client went first; nothing to reset
                }
            });
        }
    }

    private static String readHead(java.io.InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0 && head.length() < 8192) {
            head.append((char) c);
            if (head.length() >= 4 && head.substring(head.length() - 4).equals("\r\n\r\n")) {
                break;
            }
        }
        return head.toString();
    }

    private static void answer(HttpExchange exchange, String name) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String query = exchange.getRequestURI().getQuery();
            if (path.equals("/bytes") && query != null && query.matches("n=\\d{1,9}")) {
                int n = Math.min(Integer.parseInt(query.substring(2)), MAX_BYTES);
                exchange.getResponseHeaders().set("Content-Type", "application/octet-stream");
                exchange.sendResponseHeaders(200, n);
                byte[] chunk = new byte[16384];
                try (OutputStream out = exchange.getResponseBody()) {
                    for (int left = n; left > 0; left -= chunk.length) {
                        out.write(chunk, 0, Math.min(left, chunk.length));
                    }
                }
                return;
            }
            if (path.equals("/random") && query != null && query.matches("n=\\d{1,9}&seed=\\d{1,18}")) {
                String[] parts = query.split("&");
                int n = Math.min(Integer.parseInt(parts[0].substring(2)), MAX_BYTES);
                long seed = Long.parseLong(parts[1].substring(5));
                exchange.getResponseHeaders().set("Content-Type", "application/octet-stream");
                exchange.sendResponseHeaders(200, n);
                try (OutputStream out = exchange.getResponseBody()) {
                    PseudoRandomBytes.write(seed, n, out);
                }
                return;
            }
            if (!path.equals("/")) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            byte[] body = ("flint devstack resource " + name + "\nyou are "
                + exchange.getRemoteAddress().getAddress().getHostAddress() + "\n").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
        }
    }
}
