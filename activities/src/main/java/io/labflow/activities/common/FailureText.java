package io.labflow.activities.common;

import java.util.Optional;
import java.util.regex.Pattern;
import software.amazon.awssdk.awscore.exception.AwsServiceException;

/** The text of a failure: one line, no credentials, bounded in length. */
final class FailureText {

  private static final Pattern SECRETS = Pattern.compile(
      "(?i)\\b(x-amz-security-token|x-amz-signature|x-amz-credential|signature|credential"
          + "|authorization|secretaccesskey|sessiontoken|securitytoken)(\"?\\s*[=:]\\s*\"?)"
          + "[^\\s,;\"&<]+");
  private static final Pattern ACCESS_KEY_ID = Pattern.compile("\\b(AKIA|ASIA)[A-Z0-9]{16}\\b");
  private static final Pattern SPACE = Pattern.compile("\\s+");

  private static final Pattern TAG = Pattern.compile("<[^>]*>");

  private FailureText() {}

  /** "AccessDenied (HTTP 403, request id abc): message". */
  static String describe(AwsServiceException e, String code, String requestId) {
    String msg = AwsErrors.message(e);
    return (code.isEmpty() ? "no AWS error code" : code) + " (HTTP " + e.statusCode()
        + ", request id " + (requestId == null ? "none" : requestId) + ")"
        + (msg == null ? "" : ": " + truncate(clean(msg), AwsFailures.MAX_AWS_MESSAGE));
  }

  /** A short, tag-free excerpt of an error body that is not an AWS error. */
  static String bodyExcerpt(AwsServiceException e) {
    if (e.awsErrorDetails() == null || e.awsErrorDetails().rawResponse() == null) {
      return "Empty body.";
    }
    String body;
    try {
      body = e.awsErrorDetails().rawResponse().asUtf8String();
    } catch (RuntimeException notText) {
      return "Body is not text.";
    }
    String type = Optional.ofNullable(e.awsErrorDetails().sdkHttpResponse())
        .flatMap(r -> r.firstMatchingHeader("Content-Type")).orElse(null);
    String text = clean(TAG.matcher(body).replaceAll(" "));
    return "Body" + (type == null ? "" : " (" + type + ")") + ": \"" + truncate(text, 160) + "\"";
  }

  /** One line, whitespace collapsed. */
  static String clean(String s) {
    return s == null ? "" : SPACE.matcher(s).replaceAll(" ").trim();
  }

  /** Masks anything that looks like a signature, credential, token or access key id. */
  static String redact(String s) {
    String out = SECRETS.matcher(s).replaceAll("$1$2***");
    return ACCESS_KEY_ID.matcher(out).replaceAll("$1****************");
  }

  /** At most {@code max} characters, saying how much was cut. */
  static String truncate(String s, int max) {
    if (s == null || s.length() <= max) {
      return s;
    }
    int cut = max - 40;
    if (Character.isHighSurrogate(s.charAt(cut - 1))) {
      cut--;
    }
    return s.substring(0, cut) + " [... " + (s.length() - cut) + " more characters cut]";
  }
}
