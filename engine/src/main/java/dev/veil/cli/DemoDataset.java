package dev.veil.cli;

import static java.util.Objects.requireNonNull;

import dev.veil.catalog.Catalog;
import dev.veil.catalog.Column;
import dev.veil.catalog.ColumnType;
import dev.veil.catalog.TableDef;
import dev.veil.catalog.TableName;
import dev.veil.catalog.VeilType;
import dev.veil.storage.TableWriter;
import dev.veil.storage.Warehouse;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The demo warehouse's data: a synthetic shop that personalizes — customers (with the personal
 * data a privacy policy protects), products, orders, order lines and web events. Deterministic:
 * the same seed always gives the same rows. The generator is seeded on purpose, since this is
 * synthetic data, not noise; nothing here touches the DP samplers.
 */
public final class DemoDataset {
    public static final String SCHEMA = "shop";

    private static final String[] FIRST = {
        "Ada", "Ben", "Chloe", "Dev", "Elif", "Farid", "Greta", "Hugo", "Ines", "Jonas", "Kaia", "Liam", "Maya", "Nils",
        "Olga", "Pablo", "Quinn", "Rosa", "Sami", "Tara", "Umar", "Vera", "Wim", "Xenia", "Yann", "Zoe"
    };
    private static final String[] LAST = {
        "Almeida",
        "Berg",
        "Costa",
        "Dubois",
        "Eriksen",
        "Fischer",
        "Garcia",
        "Horvat",
        "Ivanova",
        "Jansen",
        "Kowalski",
        "Lind",
        "Moreau",
        "Novak",
        "Olsen",
        "Petit",
        "Quint",
        "Rossi",
        "Schmidt",
        "Tanaka",
        "Urban",
        "Vidal",
        "Weber",
        "Yilmaz",
        "Zeller"
    };
    /** Cities with very different sizes, so that some groups are small enough for a minimum group size to bite. */
    private static final String[] CITIES = {
        "Lyon", "Porto", "Ghent", "Graz", "Turku", "Malmo", "Bilbao", "Brno", "Aarhus", "Bergen", "Cork", "Delft",
        "Esch", "Faro", "Gozo", "Hvar"
    };

    private static final double[] CITY_WEIGHTS = {30, 22, 15, 10, 7, 5, 4, 3, 1.5, 1, 0.6, 0.4, 0.2, 0.1, 0.05, 0.02};
    private static final String[] CATEGORIES = {
        "lighting", "seating", "tables", "storage", "textiles", "decor", "kitchen", "outdoor"
    };
    private static final String[] ADJECTIVES = {"Nordic", "Rustic", "Urban", "Classic", "Soft", "Bold", "Tiny", "Grand"
    };
    private static final String[] PAGES = {
        "/", "/search", "/product", "/cart", "/checkout", "/account", "/help", "/recommendations"
    };
    private static final String[] DEVICES = {"mobile", "desktop", "tablet"};
    private static final String[] STATUSES = {"delivered", "delivered", "delivered", "shipped", "returned", "cancelled"
    };
    private static final String[] CHANNELS = {"web", "app", "store"};

    private final int customers;
    private final int products;
    private final int orders;
    private final int events;
    private final long seed;

    public DemoDataset(int customers, int products, int orders, int events, long seed) {
        if (customers < 1 || products < 1 || orders < 0 || events < 0) {
            throw new IllegalArgumentException("sizes must be positive");
        }
        this.customers = customers;
        this.products = products;
        this.orders = orders;
        this.events = events;
        this.seed = seed;
    }

    /** The standard demo: about 540,000 rows in all. */
    public static DemoDataset standard() {
        return new DemoDataset(20_000, 400, 80_000, 240_000, 20261129L);
    }

    /** Creates schema {@value #SCHEMA} and its five tables in {@code warehouse}; returns the row count per table. */
    public Map<String, Long> create(Warehouse warehouse) {
        requireNonNull(warehouse, "warehouse is null");
        Catalog catalog = warehouse.catalog();
        catalog.createSchema(SCHEMA, true);
        Map<String, Long> counts = new LinkedHashMap<>();
        SplittableRandom random = new SplittableRandom(seed);
        counts.put("customers", customers(warehouse, random.split()));
        counts.put("products", products(warehouse, random.split()));
        counts.put("orders", ordersAndLines(warehouse, random.split(), counts));
        counts.put("web_events", webEvents(warehouse, random.split()));
        return counts;
    }

    private static Column col(String name, VeilType type, boolean nullable) {
        return new Column(name, ColumnType.of(type), nullable);
    }

    private static Column decimal(String name, int precision, int scale) {
        return new Column(name, ColumnType.decimal(precision, scale), false);
    }

    private static TableDef table(Warehouse warehouse, String name, List<Column> columns) {
        return warehouse.catalog().createTable(new TableName(SCHEMA, name), columns, false);
    }

    private static long write(Warehouse warehouse, TableDef table, Iterable<Object[]> rows) {
        try (TableWriter writer = warehouse.newWriter(table)) {
            for (Object[] row : rows) {
                writer.append(row);
            }
            long n = writer.rowCount();
            writer.commit();
            return n;
        }
    }

    private long customers(Warehouse warehouse, SplittableRandom random) {
        TableDef t = table(
                warehouse,
                "customers",
                List.of(
                        col("customer_id", VeilType.BIGINT, false), col("name", VeilType.VARCHAR, false),
                        col("email", VeilType.VARCHAR, false), col("phone", VeilType.VARCHAR, true),
                        col("birth_date", VeilType.DATE, true), col("zip", VeilType.VARCHAR, true),
                        col("city", VeilType.VARCHAR, false), col("signup_date", VeilType.DATE, false)));
        List<Object[]> rows = new ArrayList<>(customers);
        for (long id = 1; id <= customers; id++) {
            String first = FIRST[random.nextInt(FIRST.length)];
            String last = LAST[random.nextInt(LAST.length)];
            int cityIndex = weighted(random, CITY_WEIGHTS);
            String phone = random.nextInt(10) == 0
                    ? null
                    : String.format(
                            "+33 6 %02d %02d %02d %02d",
                            random.nextInt(100), random.nextInt(100), random.nextInt(100), random.nextInt(100));
            LocalDate birth = random.nextInt(20) == 0
                    ? null
                    : LocalDate.of(1940 + random.nextInt(66), 1 + random.nextInt(12), 1 + random.nextInt(28));
            String zip = String.format("%05d", 10000 + cityIndex * 1000 + random.nextInt(40));
            LocalDate signup = LocalDate.of(2019, 1, 1).plusDays(random.nextInt(6 * 365));
            rows.add(new Object[] {
                id,
                first + " " + last,
                (first + "." + last + id + "@example.com").toLowerCase(java.util.Locale.ROOT),
                phone,
                birth == null ? null : (int) birth.toEpochDay(),
                zip,
                CITIES[cityIndex],
                (int) signup.toEpochDay()
            });
        }
        return write(warehouse, t, rows);
    }

    private long products(Warehouse warehouse, SplittableRandom random) {
        TableDef t = table(
                warehouse,
                "products",
                List.of(
                        col("product_id", VeilType.BIGINT, false), col("name", VeilType.VARCHAR, false),
                        col("category", VeilType.VARCHAR, false), decimal("price", 10, 2)));
        List<Object[]> rows = new ArrayList<>(products);
        for (long id = 1; id <= products; id++) {
            String category = CATEGORIES[random.nextInt(CATEGORIES.length)];
            String name = ADJECTIVES[random.nextInt(ADJECTIVES.length)] + " " + category + " " + id;
            BigDecimal price = BigDecimal.valueOf(499 + random.nextInt(99_500), 2);
            rows.add(new Object[] {id, name, category, price});
        }
        return write(warehouse, t, rows);
    }

    private long ordersAndLines(Warehouse warehouse, SplittableRandom random, Map<String, Long> counts) {
        TableDef orderTable = table(
                warehouse,
                "orders",
                List.of(
                        col("order_id", VeilType.BIGINT, false),
                        col("customer_id", VeilType.BIGINT, false),
                        col("order_date", VeilType.DATE, false),
                        col("status", VeilType.VARCHAR, false),
                        col("channel", VeilType.VARCHAR, false)));
        TableDef lineTable = table(
                warehouse,
                "order_lines",
                List.of(
                        col("order_id", VeilType.BIGINT, false),
                        col("line_no", VeilType.INTEGER, false),
                        col("product_id", VeilType.BIGINT, false),
                        col("quantity", VeilType.INTEGER, false),
                        decimal("unit_price", 10, 2)));
        List<Object[]> orderRows = new ArrayList<>(orders);
        List<Object[]> lineRows = new ArrayList<>(orders * 3);
        LocalDate start = LocalDate.of(2024, 1, 1);
        for (long id = 1; id <= orders; id++) {
            // A few heavy buyers and a long tail, as in real shops.
            long customer = 1 + (long) (customers * Math.pow(random.nextDouble(), 2.2));
            LocalDate day = start.plusDays(random.nextInt(700));
            orderRows.add(new Object[] {
                id,
                Math.min(customer, customers),
                (int) day.toEpochDay(),
                STATUSES[random.nextInt(STATUSES.length)],
                CHANNELS[random.nextInt(CHANNELS.length)]
            });
            int lines = 1 + random.nextInt(4);
            for (int line = 1; line <= lines; line++) {
                long product = 1 + random.nextInt(products);
                BigDecimal price = BigDecimal.valueOf(499 + (product * 7919 % 99_500), 2);
                lineRows.add(new Object[] {id, line, product, 1 + random.nextInt(3), price});
            }
        }
        long n = write(warehouse, orderTable, orderRows);
        counts.put("order_lines", write(warehouse, lineTable, lineRows));
        return n;
    }

    private long webEvents(Warehouse warehouse, SplittableRandom random) {
        TableDef t = table(
                warehouse,
                "web_events",
                List.of(
                        col("event_id", VeilType.BIGINT, false), col("customer_id", VeilType.BIGINT, true),
                        col("event_time", VeilType.TIMESTAMP, false), col("page", VeilType.VARCHAR, false),
                        col("device", VeilType.VARCHAR, false), col("city", VeilType.VARCHAR, false)));
        List<Object[]> rows = new ArrayList<>(events);
        long start =
                LocalDateTime.of(2025, 1, 1, 0, 0).toInstant(ZoneOffset.UTC).toEpochMilli();
        for (long id = 1; id <= events; id++) {
            Long customer = random.nextInt(4) == 0 ? null : 1 + (long) random.nextInt(customers);
            long time = start + (long) (random.nextDouble() * 300L * 24 * 3600 * 1000);
            rows.add(new Object[] {
                id,
                customer,
                time,
                PAGES[random.nextInt(PAGES.length)],
                DEVICES[weighted(random, new double[] {6, 3, 1})],
                CITIES[weighted(random, CITY_WEIGHTS)]
            });
        }
        return write(warehouse, t, rows);
    }

    /** The purposes the demo's consents are for, with the categories each is asked for. */
    static final Map<String, List<String>> CONSENT_CATEGORIES = Map.of(
            "analytics", List.of("contact", "demographics", "purchases", "behaviour"),
            "marketing", List.of("contact", "purchases"),
            "personalisation", List.of("purchases", "behaviour"));

    /**
     * Creates {@value #SCHEMA}.consents, as a consent platform would export it, at {@code now}
     * (milliseconds since the epoch): per customer and purpose, one row per category. Analytics:
     * most customers, two-year consents, a few expired or withdrawn; marketing (renewed yearly):
     * about half, some of them past their year, some withdrawn, the rest never opted in;
     * personalisation: most, without expiry, some withdrawn. Returns the number of rows.
     */
    public long createConsents(Warehouse warehouse, long now) {
        requireNonNull(warehouse, "warehouse is null");
        TableDef t = table(
                warehouse,
                "consents",
                List.of(
                        col("customer_id", VeilType.BIGINT, false),
                        col("purpose", VeilType.VARCHAR, false),
                        col("category", VeilType.VARCHAR, false),
                        col("granted_at", VeilType.TIMESTAMP, false),
                        col("expires_at", VeilType.TIMESTAMP, true),
                        col("withdrawn_at", VeilType.TIMESTAMP, true)));
        SplittableRandom random = new SplittableRandom(seed ^ 0x5EEDC0DEL);
        long day = 86_400_000L;
        List<Object[]> rows = new ArrayList<>();
        for (long id = 1; id <= customers; id++) {
            for (String purpose : List.of("analytics", "marketing", "personalisation")) {
                int roll = random.nextInt(100);
                Long granted;
                Long expires;
                Long withdrawn = null;
                switch (purpose) {
                    case "analytics" -> {
                        if (roll < 4) {
                            continue;
                        }
                        granted = now - (1 + random.nextInt(700)) * day;
                        expires = granted + 730 * day;
                        if (roll < 7) {
                            granted = now - (800 + random.nextInt(200)) * day;
                            expires = granted + 730 * day;
                        } else if (roll < 9) {
                            withdrawn = now - (1 + random.nextInt(30)) * day;
                        }
                    }
                    case "marketing" -> {
                        if (roll < 45) {
                            continue;
                        }
                        granted = now - (1 + random.nextInt(420)) * day;
                        expires = granted + 365 * day;
                        if (roll < 52) {
                            withdrawn = now - (1 + random.nextInt(60)) * day;
                        }
                    }
                    default -> {
                        if (roll < 25) {
                            continue;
                        }
                        granted = now - (1 + random.nextInt(900)) * day;
                        expires = null;
                        if (roll < 35) {
                            withdrawn = now - (1 + random.nextInt(90)) * day;
                        }
                    }
                }
                for (String category : CONSENT_CATEGORIES.get(purpose)) {
                    rows.add(new Object[] {id, purpose, category, granted, expires, withdrawn});
                }
            }
        }
        return write(warehouse, t, rows);
    }

    private static int weighted(SplittableRandom random, double[] weights) {
        double total = 0;
        for (double w : weights) {
            total += w;
        }
        double x = random.nextDouble() * total;
        for (int i = 0; i < weights.length; i++) {
            x -= weights[i];
            if (x < 0) {
                return i;
            }
        }
        return weights.length - 1;
    }
}
