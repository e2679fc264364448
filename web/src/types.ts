// The JSON shapes of the API resources the pages read (protobuf's JSON
// mapping: lowerCamelCase; int64 arrives as a string; unset fields absent).
import type { ProtoDate } from './format';

export type Int64 = string | number;

export interface Employee {
  name: string; nip: string; fullName?: string; unit?: string; position?: string;
  grade?: string; supervisorNip?: string;
}
export interface LearningHours {
  employee: string; year: number; jp?: number; requiredJp?: number; compliant?: boolean;
  completedEnrolments?: string[];
  /** jp = pelitaJp + externalJp. */
  pelitaJp?: number; externalJp?: number;
  /** The external trainings (SIASN) of the year that counted. */
  externalTrainings?: ExternalTraining[];
  /** External trainings of the year not counted: Pelita's own, read back from SIASN. */
  duplicates?: ExternalTraining[];
}
/** A training done outside Pelita, as SIASN records it (rw-kursus, rw-diklat). */
export interface ExternalTraining {
  name?: string; source?: string; sourceId?: string; title?: string; jp?: number;
  startDate?: ProtoDate; endDate?: ProtoDate; institution?: string; certificateNumber?: string;
  jenisDiklatId?: string; updateTime?: string;
}
export interface Unit { name: string; displayName?: string; kind?: string; district?: string }
export interface Program {
  name: string; title?: string; competencyType?: string; jp?: number; budget?: Int64;
  costPerParticipant?: Int64; year?: number; objectives?: string[];
}
export interface Cohort {
  name: string; displayName?: string; startDate?: ProtoDate; endDate?: ProtoDate; venue?: string;
  capacity?: number; enrolledCount?: number; waitlistedCount?: number;
}
export interface Enrolment {
  name: string; employee?: string; state?: string; certificateNumber?: string; unit?: string;
  completeTime?: string;
}
export interface Action {
  id?: string; change?: string; competency?: string; indicator?: string; dueDate?: ProtoDate;
  status?: string;
}
export interface ActionPlan {
  name: string; supervisor?: string; actions?: Action[]; state?: string; reviewComment?: string;
  unit?: string; submitTime?: string; approveTime?: string; updateTime?: string;
}
export interface UnitCompliance {
  unit: string; employeeCount?: number; compliantCount?: number; compliantShare?: number; meanJp?: number;
}
export interface Figure {
  value?: number; n?: Int64; withheld?: boolean; reason?: string; reasonCode?: string;
  hasInterval?: boolean; ciLow?: number; ciHigh?: number; inconclusive?: boolean;
}
export interface Evaluation {
  name: string; cohort?: string; program?: string; programTitle?: string; year?: number;
  enrolled?: Int64; completed?: Int64; minN?: number; computeTime?: string;
  reaction?: { dimensions?: { dimension: string; score?: Figure }[]; responseRate?: Figure;
    cronbachAlpha?: Figure; overall?: Figure };
  learning?: { pairs?: Figure; meanPre?: Figure; meanPost?: Figure; meanGain?: Figure;
    normalisedGain?: Figure; gainBand?: string; pValue?: Figure; cohensDz?: Figure;
    distribution?: ScoreDistribution };
  behaviour?: { responseRate?: Figure; appliedShare?: Figure; scrapLearningRate?: Figure;
    selfReportedAppliedShare?: Figure; textAnswers?: TextAnswers[]; skpChange?: SkpChange };
  results?: { complaintRateDid?: Figure; ikmDid?: Figure; complaintsAvoided?: Figure;
    beforeStart?: string; beforeEnd?: string; afterStart?: string; afterEnd?: string;
    controlUnitCount?: Int64; conclusion?: string; treatedUnits?: UnitChange[];
    series?: ResultsMonth[]; seriesMissing?: string; seriesMissingCode?: string; work?: WorkResults };
  cost?: { total?: Figure; perParticipant?: Figure; perCompleted?: Figure; perJp?: Figure;
    roiPct?: Figure; bcr?: Figure; hoursSavedBenefit?: Figure; roiPctFromHours?: Figure; bcrFromHours?: Figure };
  composite?: { score?: Figure };
}
/** L3: the participants' SKP predicates before and after (scoring's SkpChange). */
export interface SkpChange {
  participants?: Int64; roseShare?: Figure; stayedShare?: Figure; fellShare?: Figure; meanStep?: Figure;
  signTestP?: Figure; wilcoxonP?: Figure;
}
/** L4 from the units' service indicators (scoring's WorkResults). */
export interface WorkResults {
  beforeFirstMonth?: string; beforeLastMonth?: string; afterFirstMonth?: string; afterLastMonth?: string;
  treatedErrorRateBefore?: Figure; treatedErrorRateAfter?: Figure; controlErrorRateBefore?: Figure;
  controlErrorRateAfter?: Figure; errorRateDid?: Figure;
  treatedOnTimeRateBefore?: Figure; treatedOnTimeRateAfter?: Figure; controlOnTimeRateBefore?: Figure;
  controlOnTimeRateAfter?: Figure; onTimeRateDid?: Figure;
  treatedHoursBefore?: Figure; treatedHoursAfter?: Figure; controlHoursBefore?: Figure; controlHoursAfter?: Figure;
  processingHoursDid?: Figure; hoursSaved?: Figure; treatedUnitCount?: Int64; controlUnitCount?: Int64;
}
/** L2: the pairs' pre/post scores (0–100) in ten bands (scoring's
 * ScoreDistribution); withheld: no bands, n and the reason kept. */
export interface ScoreDistribution {
  n?: Int64; withheld?: boolean; reason?: string; reasonCode?: string;
  bands?: { lower?: number; upper?: number; pre?: Int64; post?: Int64 }[];
}
/** L4: one month of the before/after lines (scoring's ResultsMonth); a
 * group's month without enough data is a withheld Figure, never a 0. */
export interface ResultsMonth {
  period: string; inBefore?: boolean; inAfter?: boolean;
  treatedComplaintRate?: Figure; controlComplaintRate?: Figure; treatedIkm?: Figure; controlIkm?: Figure;
}
/** Free-text answers of an observation or interview item (scoring's TextAnswers). */
export interface TextAnswers {
  instrument?: string; item?: string; kind?: string; n?: Int64; withheld?: boolean; reasonCode?: string;
  topTerms?: { term?: string; answers?: Int64 }[]; excerpts?: string[];
}
export interface ComplaintStatistics {
  received?: Int64; completed?: Int64; openBacklog?: Int64; complaintsPer1000?: number;
  forwardSlaBreaches?: Int64; followUpSlaBreaches?: Int64; startDate?: ProtoDate; endDate?: ProtoDate;
}
export interface Satisfaction {
  unit?: string; respondents?: Int64; ikmConverted?: number; category?: string; suppressed?: boolean;
  suppression?: string; startDate?: ProtoDate; endDate?: ProtoDate;
}
export interface Complaint { name: string; title?: string; status?: string; unit?: string; createTime?: string; category?: string }
export interface FollowUpTask {
  name: string; enrolment?: string; cohort?: string; participantNip?: string; unit?: string;
  role?: string; offsetDays?: number; dueDate?: ProtoDate; state?: string; overdue?: boolean; supervisorNip?: string;
}
export interface UnitChange {
  unit: string; complaintRateBefore?: Figure; complaintRateAfter?: Figure; ikmBefore?: Figure; ikmAfter?: Figure;
  complaintsExcludedCode?: string; ikmExcludedCode?: string;
}

/** One survey or test a person was asked to answer by a personal link
 * (GET .../employees/{nip}/answerTasks); `token` only while OPEN. */
export interface AnswerTask {
  cohort: string; instrument: string; instrumentTitle?: string; instrumentKind?: string;
  followupRole?: 'SELF_REPORT' | 'SUPERVISOR_ASSESSMENT'; subjectNip?: string; expireTime?: string;
  state?: 'OPEN' | 'ANSWERED' | 'EXPIRED' | 'ANONYMOUS'; token?: string;
}
/** A unit's service performance over a window (performance's UnitPerformance). */
export interface UnitPerformance {
  unit?: string; startPeriod?: string; endPeriod?: string; months?: number;
  total?: {
    received?: Int64; completed?: Int64; completedOnTime?: Int64; returned?: Int64; rejected?: Int64;
    errorRate?: { value?: number; n?: Int64; ciLow?: number; ciHigh?: number };
    onTimeRate?: { value?: number; n?: Int64; ciLow?: number; ciHigh?: number };
    processingTime?: { count?: Int64; medianHours?: number; p90Hours?: number; medianAtLeast?: boolean; p90AtLeast?: boolean; meanHours?: number };
    outputPerStaff?: number; monthsWithData?: number;
  };
}
