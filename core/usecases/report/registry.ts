/**
 * Every kind report.export writes, by the name the contract accepts. A new kind: its definition
 * (ledger.ts says what one is), an entry here, and its name in REPORT_KINDS (core/contract/report.ts).
 */
import type { ReportKind } from '../../contract/report';
import { affairsLedger } from './affairs';
import type { ReportKindSpec } from './ledger';
import { monthlyReport } from './monthly';
import { ordersLedger } from './orders';
import { partyMembersLedger } from './party';
import { patrolReport } from './patrols';
import { pointsLedger, redemptionsLedger } from './points';
import { stockLedger } from './stock';
import { attendanceLedger, volunteerHoursLedger } from './volunteering';

export const REPORT_REGISTRY: Readonly<Record<ReportKind, ReportKindSpec>> = {
  monthly: monthlyReport,
  orders: ordersLedger,
  volunteer_hours: volunteerHoursLedger,
  points_ledger: pointsLedger,
  redemptions: redemptionsLedger,
  activities: attendanceLedger,
  stock: stockLedger,
  patrols: patrolReport,
  affairs: affairsLedger,
  party_members: partyMembersLedger,
};
