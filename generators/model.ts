/** The world's entities, as plain data. Dates are day numbers (see core/dates.ts); money is whole cents. */
import type { DayNumber } from "./core/dates.js";
import type { PayerClass } from "./core/config.js";

export type { PayerClass };

export interface Plan {
  id: string;
  name: string;
}

export interface Payer {
  id: string;
  name: string;
  class: PayerClass;
  plans: readonly Plan[];
}

export interface Address {
  line1: string;
  line2: string;
  city: string;
  state: string;
  zip: string;
}

/** X12 individual relationship codes: 18 self, 01 spouse, 19 child. */
export type RelationshipCode = "18" | "01" | "19";

/** X12 HD05 coverage level codes: IND individual, ESP employee and spouse, ECH employee and children, FAM family. */
export type CoverageLevel = "IND" | "ESP" | "ECH" | "FAM";

export interface CoverageSpan {
  start: DayNumber;
  /** null while coverage is open-ended. */
  end: DayNumber | null;
  planId: string;
  coverageLevel: CoverageLevel;
}

export interface Member {
  index: number;
  memberId: string;
  subscriberId: string;
  subscriberIndex: number;
  relationship: RelationshipCode;
  firstName: string;
  middleInitial: string;
  lastName: string;
  sex: "F" | "M";
  birthDate: DayNumber;
  ssn: string;
  mbi: string | null;
  medicaidId: string | null;
  address: Address;
  phone: string;
  email: string;
  payer: Payer;
  plan: Plan;
  groupNumber: string;
  spans: readonly CoverageSpan[];
}

export interface Provider {
  index: number;
  npi: string;
  /** NPI entity type: 1 individual, 2 organisation. */
  entityType: 1 | 2;
  taxonomy: string;
  /** Organisation name, or the individual's last name. */
  lastOrOrgName: string;
  firstName: string;
  credential: string;
  address: Address;
  phone: string;
  /** Organisations carry an EIN; individuals do not. */
  ein: string | null;
  /** NPIs of the organisations an individual is affiliated with (the first is primary). */
  affiliations: readonly string[];
}

export type ClaimType = "professional" | "institutional";

export interface ServiceLine {
  lineNumber: number;
  /** Empty on institutional lines billed by revenue code alone. */
  procedureCode: string;
  modifiers: readonly string[];
  units: number;
  chargeCents: number;
  serviceDate: DayNumber;
  /** Institutional lines only. */
  revenueCode: string;
  /** Encounters only: what the plan paid for the line. */
  paidCents: number;
}

export interface Claim {
  index: number;
  claimId: string;
  claimType: ClaimType;
  frequencyCode: string;
  memberIndex: number;
  memberId: string;
  subscriberId: string;
  relationship: RelationshipCode;
  payerId: string;
  planId: string;
  billingNpi: string;
  /** Professional claims. */
  renderingNpi: string;
  /** Institutional claims. */
  attendingNpi: string;
  /** Professional claims: CMS place of service. */
  placeOfService: string;
  /** Institutional claims: NUBC type of bill (three digits). */
  typeOfBill: string;
  admissionDate: DayNumber | null;
  dischargeDate: DayNumber | null;
  statementFrom: DayNumber;
  statementTo: DayNumber;
  principalDiagnosis: string;
  admittingDiagnosis: string;
  secondaryDiagnoses: readonly string[];
  totalChargeCents: number;
  lines: ServiceLine[];
}

/** A Medicaid managed-care encounter: a claim plus the plan's adjudication. */
export interface Encounter extends Claim {
  encounterId: string;
  encounterType: string;
  paidCents: number;
  paidDate: DayNumber;
}
