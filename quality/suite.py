"""The great_expectations suite of a dataset, generated from its contract: one expectation per
column check, plus not-null for required columns, uniqueness of the primary key, and (for
contracts with an address) the address matched rate. Each expectation carries `meta.shucang`
saying which contract rule it enforces, so results map back to reason codes.

It builds suites only; it runs nothing and reads no data.
"""

from __future__ import annotations

import great_expectations as gx
import great_expectations.expectations as gxe
from great_expectations.expectations.expectation import Expectation

from contracts.contract import Check, Column, Contract
from quality import expectations as custom
from quality.rules import Rule, matched_levels


def _check_expectation(col: Column, check: Check) -> Expectation:
    name = col.name
    match check.kind:
        case "regex":
            return gxe.ExpectColumnValuesToMatchRegex(column=name, regex=check.arg)
        case "in_set":
            return gxe.ExpectColumnValuesToBeInSet(column=name, value_set=list(check.arg))
        case "between":
            low, high = check.arg
            return gxe.ExpectColumnValuesToBeBetween(column=name, min_value=low, max_value=high)
        case "after":
            return gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                column_A=name, column_B=check.arg, or_equal=True,
                ignore_row_if="either_value_is_missing",
            )
        case "resident_id":
            return custom.ExpectColumnValuesToBeValidResidentId(column=name)
        case "mobile":
            return custom.ExpectColumnValuesToBeValidMobile(column=name)
        case "credit_code":
            return custom.ExpectColumnValuesToBeValidCreditCode(column=name)
        case "not_future":
            return custom.ExpectColumnValuesToNotBeInTheFuture(column=name)
    raise ValueError(f"column {name!r}: no expectation for check kind {check.kind!r}")


def expectations_for(contract: Contract) -> list[tuple[Expectation, Rule]]:
    """Every expectation of `contract`'s suite with the rule it enforces, in contract order."""
    out: list[tuple[Expectation, Rule]] = []
    for col in contract.columns:
        if col.required:
            out.append((gxe.ExpectColumnValuesToNotBeNull(column=col.name), Rule("required", col.name)))
        for check in col.checks:
            other = check.arg if check.kind == "after" else None
            out.append((_check_expectation(col, check), Rule(check.kind, col.name, other=other)))
    keys = list(contract.primary_key)
    if len(keys) == 1:
        unique: Expectation = gxe.ExpectColumnValuesToBeUnique(column=keys[0])
    else:
        unique = gxe.ExpectCompoundColumnsToBeUnique(column_list=keys)
    out.append((unique, Rule("primary_key", ",".join(keys))))
    if contract.address:
        out.append((
            custom.ExpectAddressMatchRateToBeAtLeast(
                column="match_level", value_set=matched_levels(contract.address.granularity),
                min_rate=contract.address.min_match_rate,
            ),
            Rule("address_match_rate", "match_level", row_level=False),
        ))
    return out


def suite_name(contract: Contract) -> str:
    """The GX suite name of a dataset (versioned with its contract)."""
    return f"{contract.id}.v{contract.version}"


def build_suite(contract: Contract) -> gx.ExpectationSuite:
    """The GX expectation suite generated from `contract`."""
    expectations = []
    for expectation, rule in expectations_for(contract):
        expectation.meta = rule.meta()
        expectations.append(expectation)
    return gx.ExpectationSuite(
        name=suite_name(contract), expectations=expectations,
        meta={"shucang": {"dataset": contract.id, "contract_version": contract.version}},
    )
