package io.baton.pg;

import io.baton.BatonException;
import java.util.Arrays;

/**
 * Which transactions a PostgreSQL snapshot sees, as {@code pg_current_snapshot()} prints it:
 * {@code xmin:xmax:xip_list} (manual section "Transaction ID and Snapshot Information Functions").
 * A transaction is visible when its id is below {@code xmin}, or below {@code xmax} and not in the
 * in-progress list.
 *
 * <p>Debezium reports 32-bit transaction ids ({@code source.txId}), so ids are compared modulo
 * 2<sup>32</sup> in PostgreSQL's circular order (src/include/access/transam.h,
 * {@code TransactionIdPrecedes}), which holds while the snapshot is younger than two billion
 * transactions.
 *
 * @param xmin the oldest transaction id still active when the snapshot was taken (64-bit)
 * @param xmax one past the highest completed transaction id (64-bit)
 * @param inProgress ids between the two that were active, sorted
 */
public record TxSnapshot(long xmin, long xmax, long[] inProgress) {
  public TxSnapshot {
    inProgress = inProgress.clone();
    Arrays.sort(inProgress);
  }

  /**
   * @param text {@code xmin:xmax:xip1,xip2,...} as {@code pg_current_snapshot()::text} prints it
   * @return the snapshot
   * @throws BatonException when the text is not in that form
   */
  public static TxSnapshot parse(String text) {
    String[] parts = text == null ? new String[0] : text.split(":", -1);
    try {
      if (parts.length != 3) {
        throw new NumberFormatException();
      }
      long[] xip = parts[2].isEmpty() ? new long[0] : Arrays.stream(parts[2].split(",")).mapToLong(Long::parseLong).toArray();
      return new TxSnapshot(Long.parseLong(parts[0]), Long.parseLong(parts[1]), xip);
    } catch (NumberFormatException e) {
      throw new BatonException("not a snapshot in xmin:xmax:xip form: '" + text + "'");
    }
  }

  /**
   * @param xid32 a transaction id as logical decoding reports it (the low 32 bits)
   * @return true when the snapshot sees that transaction's effects (had it committed)
   */
  public boolean sees(long xid32) {
    int xid = (int) xid32;
    if (precedes(xid, (int) xmin)) {
      return true;
    }
    if (!precedes(xid, (int) xmax)) {
      return false;
    }
    for (long p : inProgress) {
      if ((int) p == xid) {
        return false;
      }
    }
    return true;
  }

  private static boolean precedes(int a, int b) {
    return a - b < 0;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder().append(xmin).append(':').append(xmax).append(':');
    for (int i = 0; i < inProgress.length; i++) {
      sb.append(i > 0 ? "," : "").append(inProgress[i]);
    }
    return sb.toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TxSnapshot t && t.xmin == xmin && t.xmax == xmax && Arrays.equals(t.inProgress, inProgress);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(xmin) * 31 + Long.hashCode(xmax) * 17 + Arrays.hashCode(inProgress);
  }
}
