// The Java check of `make languages`: parses X's bodies with the models openapi-generator made from
// spec/compliance.yaml (library native, dateLibrary legacy; see tests/languages/run.py), using
// Jackson from Debian's packages and the generated RFC3339DateFormat, as the generated ApiClient
// configures its ObjectMapper.
//
//   java Check REAL_RESPONSES_DIR CASES_JSON
//
// Prints one line per check, "NAME<TAB>ok" or "NAME<TAB>FAIL: why".
package check;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import compliance.RFC3339DateFormat;
import compliance.model.ComplianceJob;
import compliance.model.ComplianceJobListResponse;
import compliance.model.ComplianceJobResponse;
import compliance.model.ComplianceResult;
import compliance.model.Problem;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TimeZone;

public final class Check {
  interface Body {
    void run() throws Exception;
  }

  private static final ObjectMapper MAPPER = new ObjectMapper();

  static {
    MAPPER.setDateFormat(new RFC3339DateFormat());
    MAPPER.setTimeZone(TimeZone.getTimeZone("UTC"));
  }

  /** What a recorded body is, as tests/real_responses.py tells it. */
  static Class<?> modelFor(JsonNode body) {
    if (body.path("data").isArray()) return ComplianceJobListResponse.class;
    if (body.has("data") || body.has("errors")) return ComplianceJobResponse.class;
    if (body.has("upload_url")) return ComplianceJob.class;
    if (body.has("action")) return ComplianceResult.class;
    return Problem.class;
  }

  static List<ComplianceResult> lines(String text) throws Exception {
    List<ComplianceResult> results = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (!line.isBlank()) results.add(MAPPER.readValue(line, ComplianceResult.class));
    }
    return results;
  }

  static void realBodies(Path dir) throws Exception {
    int count = 0;
    try (DirectoryStream<Path> paths = Files.newDirectoryStream(dir, "*.json")) {
      for (Path path : paths) {
        if (path.getFileName().toString().endsWith(".meta.json")) continue;
        String text = Files.readString(path);
        try {
          MAPPER.readValue(text, modelFor(MAPPER.readTree(text)));
        } catch (Exception e) {
          throw new Exception(path.getFileName() + ": " + e.getMessage(), e);
        }
        count++;
      }
    }
    List<ComplianceResult> results = lines(Files.readString(dir.resolve("x-docs_quickstart__download_results_example.jsonl")));
    if (count == 0 || results.isEmpty()) throw new Exception("no recordings in " + dir);
  }

  static void expect(boolean condition, String why) throws Exception {
    if (!condition) throw new Exception(why);
  }

  public static void main(String[] args) throws Exception {
    Path realDir = Path.of(args[0]);
    JsonNode cases = MAPPER.readTree(Files.readString(Path.of(args[1])));
    check("real bodies", () -> realBodies(realDir));
    check("unknown field", () -> {
      ComplianceJobResponse answer = MAPPER.treeToValue(cases.get("unknown_field"), ComplianceJobResponse.class);
      expect("high".equals(answer.getData().getAdditionalProperty("priority")), "the unknown field was not kept");
    });
    check("unknown status/type", () -> {
      ComplianceJob job = MAPPER.treeToValue(cases.get("unknown_enums"), ComplianceJobResponse.class).getData();
      expect(job.getStatus().equals(cases.get("unknown_status").asText()), "status read as " + job.getStatus());
      expect(job.getType().equals(cases.get("unknown_type").asText()), "type read as " + job.getType());
    });
    check("optional fields absent", () -> {
      ComplianceJobListResponse list = MAPPER.treeToValue(cases.get("without_optional"), ComplianceJobListResponse.class);
      ComplianceJob job = list.getData().get(0);
      expect(job.getName() == null && job.getResumable() == null && job.getError() == null && list.getMeta() == null,
          "absent fields read as present");
    });
    check("timestamps", () -> {
      for (JsonNode stamp : cases.get("timestamps")) {
        String line = "{\"id\":\"1\",\"action\":\"delete\",\"reason\":\"deleted\",\"created_at\":\"" + stamp.get("value").asText() + "\"}";
        long got = MAPPER.readValue(line, ComplianceResult.class).getCreatedAt().getTime();
        expect(got == stamp.get("epoch_ms").asLong(), stamp.get("value").asText() + " read as " + got + " ms");
      }
    });
    check("unknown reason", () -> {
      for (ComplianceResult result : lines(cases.get("results_lines").asText())) {
        expect(result.getReason().equals(cases.get("unknown_reason").asText()), "reason read as " + result.getReason());
      }
    });
  }

  static void check(String name, Body body) {
    try {
      body.run();
      System.out.println(name + "\tok");
    } catch (Exception e) {
      System.out.println(name + "\tFAIL: " + String.valueOf(e.getMessage()).replace('\n', ' '));
    }
  }

  private Check() {}
}
