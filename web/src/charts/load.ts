// The report's charts are a chunk of their own (Observable Plot, ~80 KB
// gzip: the first page stays small).  The cohort list loads it ahead
// (loadReportCharts); once it is loaded the report draws it at once
// (loadedReportCharts), without a Suspense round: React holds back the
// reveal of a boundary that showed its fallback (up to 300 ms), which
// would delay charts whose code is already there.
type Charts = typeof import('./ReportCharts');

let loaded: Charts | undefined;
let loading: Promise<Charts> | undefined;

/** Loads the charts' chunk (once). */
export function loadReportCharts(): Promise<Charts> {
  loading ??= import('./ReportCharts').then((m) => (loaded = m));
  return loading;
}

/** The charts' module if its chunk has been loaded, else undefined. */
export function loadedReportCharts(): Charts | undefined {
  return loaded;
}
