"""The great_expectations suite of a dataset, generated from its contract: the expectation each
column check declares (contracts.checks, by GX type name; the custom types are registered by
quality.expectations), plus not-null for required columns, uniqueness of the primary key, and (for
contracts with an address) the address matched rate. Each expectation carries `meta.shucang`
saying which contract rule it enforces, so results map back to reason codes.

It builds suites only; it runs nothing and reads no data.
"""

from __future__ import annotations

import great_expectations as gx
import great_expectations.expectations as gxe
from great_expectations.expectations.expectation import Expectation
from great_expectations.expectations.registry import get_expectation_impl

from contracts.checks import Check, ExpectationSpec
from contracts.contract import Column, Contract
from quality import expectations as custom
from quality.rules import Rule, matched_levels


def gx_expectation(spec: ExpectationSpec) -> Expectation:
    """The GX expectation a contract check declares, by its registered type name."""
    return get_expectation_impl(spec.type)(**spec.kwargs)


def check_rule(col: Column, check: Check) -> Rule:
    """The rule a column check enforces, with its severity resolved for the column."""
    return Rule(check.kind, col.name, severity=col.severity(check), on_fail=check.on_fail,
                check=check.model_dump(mode="json"))


def expectations_for(contract: Contract) -> list[tuple[Expectation, Rule]]:
    """Every expectation of `contract`'s suite with the rule it enforces, in contract order."""
    out: list[tuple[Expectation, Rule]] = []
    for col in contract.columns:
        if col.required:
            out.append((gxe.ExpectColumnValuesToNotBeNull(column=col.name), Rule("required", col.name)))
        for check in col.checks:
            out.append((gx_expectation(check.expectation(col.name)), check_rule(col, check)))
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
