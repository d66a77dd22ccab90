/**
 * A one-page PDF locked with the standard security handler (RC4, revision 2) whose user
 * password is not empty: a reader must ask for the password. Built in memory with a correct
 * cross-reference table; the O and U entries are fixed bytes, so no password opens it.
 */
export function encryptedPdf(): Uint8Array {
  const hex32 = (seed: number) =>
    Array.from({ length: 32 }, (_, i) =>
      ((i * 73 + seed) % 256).toString(16).padStart(2, "0"),
    ).join("");
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
    "<< /Length 44 >>\nstream\nBT /F1 12 Tf 72 720 Td (Secret memo) Tj ET\nendstream",
    `<< /Filter /Standard /V 1 /R 2 /O <${hex32(11)}> /U <${hex32(29)}> /P -44 >>`,
  ];
  let body = "%PDF-1.4\n";
  const offsets: number[] = [];
  objects.forEach((object, i) => {
    offsets.push(body.length);
    body += `${i + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xref = body.length;
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, "0")} 00000 n \n`).join("")}`;
  const id = hex32(3).slice(0, 32);
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R /Encrypt 5 0 R /ID [<${id}> <${id}>] >>\nstartxref\n${xref}\n%%EOF\n`;
  return new TextEncoder().encode(body);
}
