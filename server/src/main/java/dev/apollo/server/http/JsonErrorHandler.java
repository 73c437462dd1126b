package dev.apollo.server.http;

import dev.apollo.api.Json;
import dev.apollo.api.Views.ErrorBody;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * The documented JSON error body for what Jetty refuses before any handler runs: a malformed
 * request line or header, an invalid percent-escape, an ambiguous path, a header block past the
 * cap, a broken chunked body. Never an HTML page.
 */
final class JsonErrorHandler extends ErrorHandler {

    /** Jetty writes error bodies only for GET, POST and HEAD by default; every method of this API gets one. */
    @Override
    public boolean errorPageForMethod(String method) {
        return true;
    }

    @Override
    protected void generateResponse(Request request, Response response, int status, String message, Throwable cause,
            Callback callback) throws IOException {
        if (status == 501 || status == 505) {
            // An unknown transfer coding or HTTP version is the caller's to fix: a 4xx, as every caller mistake.
            response.setStatus(400);
            byte[] body = json("invalid", explain(status, message));
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
            response.write(true, ByteBuffer.wrap(body), callback);
            return;
        }
        byte[] body = body(status, message);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(body), callback);
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(new HttpField(HttpHeader.CONTENT_TYPE, "application/json"));
        return ByteBuffer.wrap(body(status, reason));
    }

    static byte[] body(int status, String reason) {
        return json(code(status), explain(status, reason));
    }

    private static byte[] json(String code, String message) {
        try {
            return Json.mapper().writeValueAsBytes(new ErrorBody(code, message));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String code(int status) {
        return switch (status) {
            case 400 -> "invalid";
            case 401 -> "unauthorized";
            case 404 -> "not_found";
            case 405 -> "method_not_allowed";
            case 408 -> "timeout";
            case 413 -> "too_large";
            case 414 -> "too_large";
            case 431 -> "too_large";
            case 501 -> "not_implemented";
            case 505 -> "unsupported_version";
            default -> status >= 500 ? "internal" : "invalid";
        };
    }

    /** Jetty's reason, which names the defect, with what to do about it. */
    private static String explain(int status, String reason) {
        String detail = reason == null || reason.isBlank() ? "" : " (" + reason + ")";
        return switch (status) {
            case 400 -> "malformed HTTP request" + detail + "; send HTTP/1.1 with a valid request line, headers and body,"
                    + " and percent-encode reserved characters in the path and query (a '%' itself is %25).";
            case 408 -> "the request did not arrive in time" + detail + "; send the whole request without pausing.";
            case 413, 431 -> "the request is larger than this API accepts" + detail + "; request line and headers may take"
                    + " at most " + HttpListener.MAX_HEADER_BYTES + " bytes.";
            case 414 -> "the request line is longer than this API accepts" + detail + ".";
            case 501 -> "this API does not implement that" + detail + "; see docs/API.md for its methods and paths.";
            case 505 -> "unsupported HTTP version" + detail + "; send HTTP/1.1.";
            default -> "the request could not be handled" + detail + ".";
        };
    }
}
