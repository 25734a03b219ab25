package io.labflow.worker.doctor;

/**
 * One line of the doctor's table.
 *
 * @param check what was checked ({@code AWS identity}, {@code permissions iam-service-role-lab})
 * @param verdict the answer
 * @param detail what was found; for a FAIL, ending with the fix; for an UNKNOWN, why it cannot tell
 */
public record Row(String check, Verdict verdict, String detail) {

  public enum Verdict { OK, FAIL, UNKNOWN }

  public static Row ok(String check, String detail) {
    return new Row(check, Verdict.OK, detail);
  }

  public static Row fail(String check, String found, String fix) {
    return new Row(check, Verdict.FAIL, found + (fix == null ? "" : "; fix: " + fix));
  }

  public static Row unknown(String check, String why) {
    return new Row(check, Verdict.UNKNOWN, why);
  }
}
