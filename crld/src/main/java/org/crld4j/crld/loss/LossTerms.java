package org.crld4j.crld.loss;

import org.crld4j.autograd.Variable;

import java.util.Map;

/**
 * The one rule by which weighted loss terms make a total: their sum, left to right in the map's
 * order, {@code ((t1 + t2) + t3) + ...}. Float addition does not associate, so the order is part
 * of the results (and of the backward graph): every distiller's total, and CRLD's, come from here.
 */
public final class LossTerms {
    private LossTerms() {}

    /** The sum of {@code weighted} in its iteration order (a single term is its own total). */
    public static Variable sum(Map<String, Variable> weighted) {
        Variable total = null;
        for (Variable v : weighted.values()) total = total == null ? v : total.add(v);
        if (total == null) throw new IllegalArgumentException("no loss terms to sum");
        return total;
    }
}
