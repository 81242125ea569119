/**
 * Target times in a pattern are written for people: "24 hours", "5 days",
 * "10 working days". Working days are Monday to Friday in UTC; bank holidays
 * are not known to Pipework, so a target that spans one is a day generous.
 */
export function addDuration(from: Date, text: string): Date {
  const m = /^(\d+) (hour|hours|day|days|working day|working days)$/.exec(text.trim());
  if (!m) throw new Error(`not a duration: "${text}"`);
  const n = Number(m[1]);
  if (m[2].startsWith('hour')) return new Date(from.getTime() + n * 3_600_000);
  if (m[2].startsWith('day')) return new Date(from.getTime() + n * 86_400_000);
  const d = new Date(from.getTime());
  let left = n;
  while (left > 0) {
    d.setUTCDate(d.getUTCDate() + 1);
    const wd = d.getUTCDay();
    if (wd !== 0 && wd !== 6) left--;
  }
  return d;
}
