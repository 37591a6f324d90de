/**
 * The duty line is a fixed desk phone: no call forwarding to a mobile (002 §二(五)). A schedule
 * destination is therefore a PJSIP endpoint of this PBX, never a number or a Dial string that
 * would leave it through a trunk.
 */
const NO_FORWARDING = 'the duty line must ring a fixed desk phone on this PBX, not be forwarded (002 §二(五))';

/** Why `endpoint` cannot be a duty destination, or undefined if it is a plain PJSIP endpoint name. */
export function endpointProblem(endpoint: string): string | undefined {
  if (/[/@:&,()$;]/.test(endpoint)) {
    return `"${endpoint}" looks like a Dial string (technology, trunk or URI); name the PJSIP endpoint itself: ${NO_FORWARDING}`;
  }
  const digits = endpoint.replace(/[\s-]/g, '');
  if (/^\+?\d+$/.test(digits)) {
    if (/^(\+?86)?1\d{10}$/.test(digits)) return `"${endpoint}" looks like a mobile number: ${NO_FORWARDING}`;
    if (/^(\+|00)/.test(digits) || /^0\d{6,}$/.test(digits) || digits.length >= 7) {
      return `"${endpoint}" looks like an external phone number: ${NO_FORWARDING}`;
    }
  }
  if (!/^[A-Za-z0-9_.-]+$/.test(endpoint)) return `"${endpoint}" is not a PJSIP endpoint name (letters, digits, "_", "." and "-")`;
  return undefined;
}
