package io.dwcp.agent.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.dwcp.agent.ingest.Measurement;
import io.dwcp.agent.registry.ModelSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Each model's ingest measurement carries exactly the fields of its feature schema, in order (issue 13: the
 * two lists were tied only by a comment). The forecaster's schema adds the two time features derived from
 * the sample's timestamp; nothing else may differ.
 */
class MeasurementSchemaTest {
    static final List<String> DERIVED_FROM_TIMESTAMP = List.of("time_of_day", "day_of_week");

    @Test
    void fieldsAreTheSchemaInOrder() {
        for (ModelSpec<?, ?> spec : BuiltinModels.registry().specs()) {
            List<String> fields = spec.measurement().fields().stream().map(Measurement.Field::name).toList();
            List<String> schema = spec.schema().features();
            if (spec.measurement() == Measurement.LINK) {
                assertEquals(DERIVED_FROM_TIMESTAMP, schema.subList(fields.size(), schema.size()), spec.name());
                schema = schema.subList(0, fields.size());
            }
            assertEquals(schema, fields, spec.name() + ": fields of " + spec.measurement());
        }
    }

    @Test
    void featureRowHasTheSchemasWidth() {
        for (ModelSpec<?, ?> spec : BuiltinModels.registry().specs()) {
            int n = spec.measurement().fields().size();
            var r = new io.dwcp.agent.ingest.MetricRecord(spec.measurement(), "n", spec.measurement().perLink() ? "p" : null,
                    1_700_000_000_000L, new double[n]);
            assertEquals(spec.schema().size(), spec.features(r).length, spec.name());
        }
    }
}
