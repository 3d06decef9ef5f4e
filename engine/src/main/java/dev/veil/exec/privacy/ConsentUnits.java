package dev.veil.exec.privacy;

import static java.util.Objects.requireNonNull;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.control.StatementMemory;
import dev.veil.exec.scan.KeySet;
import dev.veil.plan.ConsentCall;
import dev.veil.plan.ConsentKeys;
import dev.veil.plan.ConsentSpec;
import dev.veil.plan.StoredTable;
import dev.veil.schema.ArrowTable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexShuttle;

/**
 * The consent conditions of one execution ({@link ConsentCall}): for each condition, built on its
 * first use and then shared by every row and thread of the execution, the {@link ConsentKeys} it
 * lets through at the execution's statement time: the consenting units of the consent source
 * ({@link ConsentUnitSets}, cached across statements per table version and time window) and the
 * lookup maps along the path to them ({@link UnitMaps}, cached per table version). When the path's
 * keys and units are integral, the path is composed into the set of the first step's keys that lead
 * to a consenting unit ({@link ConsentKeySets}, cached with the unit set and the path's table
 * versions), so a row's test is one primitive probe whatever the length of its path; else a probe
 * per lookup step and one in the unit set.
 */
public final class ConsentUnits implements Function<ConsentSpec, ConsentKeys> {
    private final long now;
    private final AtomicBoolean cancelFlag;
    private final StatementMemory memory;
    private final Map<ConsentSpec, ConsentKeys> built = new ConcurrentHashMap<>();
    /** The last condition asked for and its keys, so rows of one scan do not hash the spec each time. */
    private volatile Built last;

    private record Built(ConsentSpec spec, ConsentKeys keys) {}

    /**
     * The conditions of an execution at statement time {@code now}; the sets it builds or uses are
     * accounted to {@code memory}.
     */
    public ConsentUnits(long now, AtomicBoolean cancelFlag, StatementMemory memory) {
        this.now = now;
        this.cancelFlag = requireNonNull(cancelFlag, "cancelFlag is null");
        this.memory = requireNonNull(memory, "memory is null");
    }

    @Override
    public ConsentKeys apply(ConsentSpec spec) {
        Built recent = last;
        if (recent != null && recent.spec() == spec) {
            return recent.keys();
        }
        ConsentKeys keys = built.get(spec);
        if (keys == null) {
            // Built outside the map's lock (it reads tables); two threads may build it, both correctly.
            keys = build(spec);
            ConsentKeys other = built.putIfAbsent(spec, keys);
            keys = other == null ? keys : other;
        }
        last = new Built(spec, keys);
        return keys;
    }

    private ConsentKeys build(ConsentSpec spec) {
        ConsentUnitSets.UnitSet units = ConsentUnitSets.get(arrow(spec.source()), spec, now, cancelFlag);
        List<UnitMap> maps = new ArrayList<>();
        List<ConsentKeySets.Step> steps = new ArrayList<>();
        boolean longs = units.longs();
        for (ConsentSpec.Hop hop : spec.hops()) {
            ArrowTable table = arrow(hop.table());
            UnitMap map = UnitMaps.get(table, hop.keyColumn(), hop.nextColumn(), cancelFlag);
            maps.add(map);
            steps.add(new ConsentKeySets.Step(table.version(), hop.keyColumn(), hop.nextColumn()));
            longs &= map instanceof LongUnitMap;
        }
        if (longs && !maps.isEmpty()) {
            LongUnitMap[] longMaps = maps.toArray(LongUnitMap[]::new);
            StatementMemory.Account account = memory.account("the keys of a consent condition");
            return new ComposedKeys(ConsentKeySets.get(units, steps, longMaps, account, cancelFlag));
        }
        return new Keys(units, maps.toArray(UnitMap[]::new));
    }

    private static ArrowTable arrow(StoredTable table) {
        if (table instanceof ArrowTable arrow) {
            return arrow;
        }
        throw new VeilException(
                ErrorCode.NOT_SUPPORTED,
                "Consent is checked only along tables Veil stores: "
                        + table.definition().name());
    }

    /**
     * The specs of the consent conditions in the expressions of {@code plan}'s operators, by the
     * variable the code generated for them reads ({@link ConsentCall#variable}).
     */
    public static Map<String, Object> specs(RelNode plan) {
        Map<String, Object> specs = new HashMap<>();
        collect(plan, specs);
        return specs;
    }

    private static void collect(RelNode node, Map<String, Object> specs) {
        node.accept(new RexShuttle() {
            @Override
            public RexNode visitCall(RexCall call) {
                if (call.getOperator() instanceof ConsentCall consent) {
                    specs.put(consent.variable(), consent.spec());
                }
                return super.visitCall(call);
            }
        });
        for (RelNode input : node.getInputs()) {
            collect(input, specs);
        }
    }

    /** The keys of a path's first step that lead to a consenting unit, composed into one set. */
    private static final class ComposedKeys implements ConsentKeys {
        private final KeySet keys;

        ComposedKeys(KeySet keys) {
            this.keys = keys;
        }

        @Override
        public boolean contains(Object key) {
            return key instanceof Number n && keys.contains(n.longValue());
        }

        @Override
        public boolean containsLong(long key) {
            return keys.contains(key);
        }

        @Override
        public Object list() {
            return keys.toArray();
        }

        @Override
        public int filter(long[] values, int[] rows, int count) {
            return keys.filter(values, rows, count);
        }
    }

    /** The keys whose unit, looked up through {@code maps} in turn, is in {@code units}. */
    private static final class Keys implements ConsentKeys {
        private final ConsentUnitSets.UnitSet units;
        private final UnitMap[] maps;
        private final LongUnitMap[] longMaps;

        Keys(ConsentUnitSets.UnitSet units, UnitMap[] maps) {
            this.units = units;
            this.maps = maps;
            boolean longs = units.longs();
            for (UnitMap map : maps) {
                longs &= map instanceof LongUnitMap;
            }
            longMaps = longs ? java.util.Arrays.copyOf(maps, maps.length, LongUnitMap[].class) : null;
        }

        @Override
        public boolean contains(Object key) {
            Object value = key;
            for (UnitMap map : maps) {
                if (value == null) {
                    return false;
                }
                value = map.get(value);
            }
            return value != null && units.contains(value);
        }

        @Override
        public Object list() {
            return maps.length == 0 ? units.list() : null;
        }

        @Override
        public boolean containsLong(long key) {
            if (longMaps == null) {
                return contains(key);
            }
            long value = key;
            for (LongUnitMap map : longMaps) {
                value = map.getLong(value);
                if (LongUnitMap.absent(value)) {
                    return false;
                }
            }
            return units.containsLong(value);
        }
    }
}
