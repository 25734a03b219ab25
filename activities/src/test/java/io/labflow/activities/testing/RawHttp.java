package io.labflow.activities.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One HTTP/1.1 exchange over a plain socket, forwarding a request byte for byte, Host header
 * included. A signed AWS request must reach moto with the Host it was signed for (moto checks
 * SigV4 signatures when IAM is enforced), which {@code java.net.http} does not allow to set.
 */
public final class RawHttp {

  /** An HTTP response: status, headers (name, value) in order, body. */
  public record Response(int status, List<Map.Entry<String, String>> headers, byte[] body) {
    public String text() {
      return new String(body, StandardCharsets.UTF_8);
    }

    public Response withBody(String text) {
      return new Response(status, headers, text.getBytes(StandardCharsets.UTF_8));
    }
  }

  private static final Set<String> HOP_BY_HOP =
      Set.of("connection", "keep-alive", "transfer-encoding", "content-length", "expect", "upgrade");

  private RawHttp() {}

  /** Sends the request to {@code host:port} on a fresh connection and reads the whole answer. */
  public static Response exchange(String host, int port, String method, String target,
      List<Map.Entry<String, String>> headers, byte[] body) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress(host, port), 10_000);
      s.setSoTimeout(60_000);
      StringBuilder head = new StringBuilder(method).append(' ').append(target).append(" HTTP/1.1\r\n");
      for (Map.Entry<String, String> h : headers) {
        if (!HOP_BY_HOP.contains(h.getKey().toLowerCase(Locale.ROOT))) {
          head.append(h.getKey()).append(": ").append(h.getValue()).append("\r\n");
        }
      }
      head.append("Content-Length: ").append(body.length).append("\r\n");
      head.append("Connection: close\r\n\r\n");
      OutputStream out = s.getOutputStream();
      out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
      out.write(body);
      out.flush();
      return read(s.getInputStream(), method.equals("HEAD"));
    }
  }

  private static Response read(InputStream in, boolean head) throws IOException {
    String status = line(in);
    int code = Integer.parseInt(status.split(" ")[1]);
    List<Map.Entry<String, String>> headers = new ArrayList<>();
    long length = -1;
    boolean chunked = false;
    for (String l = line(in); !l.isEmpty(); l = line(in)) {
      int colon = l.indexOf(':');
      String name = l.substring(0, colon).trim();
      String value = l.substring(colon + 1).trim();
      if (name.equalsIgnoreCase("content-length")) {
        length = Long.parseLong(value);
      } else if (name.equalsIgnoreCase("transfer-encoding")) {
        chunked = value.equalsIgnoreCase("chunked");
      }
      if (!HOP_BY_HOP.contains(name.toLowerCase(Locale.ROOT))) {
        headers.add(Map.entry(name, value));
      }
    }
    byte[] body;
    if (head || code == 204 || code == 304 || code / 100 == 1) {
      body = new byte[0];
    } else if (chunked) {
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      for (int size = Integer.parseInt(line(in).split(";")[0].trim(), 16); size > 0;
          size = Integer.parseInt(line(in).split(";")[0].trim(), 16)) {
        all.write(in.readNBytes(size));
        line(in);
      }
      body = all.toByteArray();
    } else if (length >= 0) {
      body = in.readNBytes((int) length);
    } else {
      body = in.readAllBytes();
    }
    return new Response(code, headers, body);
  }

  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (int c = in.read(); c != -1 && c != '\n'; c = in.read()) {
      if (c != '\r') {
        b.write(c);
      }
    }
    return b.toString(StandardCharsets.ISO_8859_1);
  }
}
