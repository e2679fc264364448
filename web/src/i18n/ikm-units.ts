// The words of the organiser's page of every unit's IKM (/ikm), apart from
// the shared dictionary so that the page's chunk carries them.
export const tk = {
  title: 'IKM unit layanan',
  intro: 'Indeks Kepuasan Masyarakat setiap unit layanan menurut survei SKM (PermenPANRB 14/2017), dengan laporan hasil survei yang siap diterbitkan unit: PDF untuk dicetak dan diumumkan, Excel untuk diolah.',
  year: 'Tahun',
  unit: 'Unit layanan',
  respondents: 'Responden',
  ikm: 'IKM (25–100)',
  category: 'Mutu pelayanan',
  report: 'Laporan',
  withheld: 'Tidak ditampilkan',
  pdf: 'PDF',
  xlsx: 'Excel',
  // The buttons' names begin with their visible word (WCAG 2.5.3).
  pdfOf: (unit: string) => `PDF laporan IKM ${unit}`,
  xlsxOf: (unit: string) => `Excel laporan IKM ${unit}`,
  unreadable: 'Tidak dapat dibaca',
  none: 'Belum ada unit layanan.',
};
