// The Go check of `make languages`: parses X's bodies with the client openapi-generator made from
// spec/compliance.yaml (package compliance, generated into .scratch/ beside this file's copy).
//
//	go run . REAL_RESPONSES_DIR CASES_JSON
//
// Prints one line per check, "NAME<TAB>ok" or "NAME<TAB>FAIL: why" (see tests/languages/run.py).
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"languagecheck/compliance"
)

type cases struct {
	UnknownField    json.RawMessage `json:"unknown_field"`
	UnknownEnums    json.RawMessage `json:"unknown_enums"`
	UnknownStatus   string          `json:"unknown_status"`
	UnknownType     string          `json:"unknown_type"`
	WithoutOptional json.RawMessage `json:"without_optional"`
	Timestamps      []struct {
		Value   string `json:"value"`
		EpochMs int64  `json:"epoch_ms"`
	} `json:"timestamps"`
	ResultsLines  string `json:"results_lines"`
	UnknownReason string `json:"unknown_reason"`
}

// kind tells what a recorded body is, as tests/real_responses.py does.
func kind(body map[string]json.RawMessage) string {
	if data, ok := body["data"]; ok && strings.HasPrefix(strings.TrimSpace(string(data)), "[") {
		return "list"
	}
	if _, ok := body["data"]; ok {
		return "job_response"
	}
	if _, ok := body["errors"]; ok {
		return "job_response"
	}
	if _, ok := body["upload_url"]; ok {
		return "job"
	}
	if _, ok := body["action"]; ok {
		return "result"
	}
	return "problem"
}

func parse(kind string, raw []byte) error {
	switch kind {
	case "list":
		return json.Unmarshal(raw, &compliance.ComplianceJobListResponse{})
	case "job_response":
		return json.Unmarshal(raw, &compliance.ComplianceJobResponse{})
	case "job":
		return json.Unmarshal(raw, &compliance.ComplianceJob{})
	case "result":
		return json.Unmarshal(raw, &compliance.ComplianceResult{})
	default:
		return json.Unmarshal(raw, &compliance.Problem{})
	}
}

func realBodies(dir string) error {
	paths, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return err
	}
	sort.Strings(paths)
	count := 0
	for _, path := range paths {
		if strings.HasSuffix(path, ".meta.json") {
			continue
		}
		raw, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		var body map[string]json.RawMessage
		if err := json.Unmarshal(raw, &body); err != nil {
			return fmt.Errorf("%s: %v", filepath.Base(path), err)
		}
		if err := parse(kind(body), raw); err != nil {
			return fmt.Errorf("%s: %v", filepath.Base(path), err)
		}
		count++
	}
	lines, err := resultLines(filepath.Join(dir, "x-docs_quickstart__download_results_example.jsonl"))
	if err != nil {
		return err
	}
	if count == 0 || len(lines) == 0 {
		return fmt.Errorf("no recordings found in %s", dir)
	}
	return nil
}

func resultLines(path string) ([]compliance.ComplianceResult, error) {
	file, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer file.Close()
	return parseLines(bufio.NewScanner(file))
}

func parseLines(scanner *bufio.Scanner) ([]compliance.ComplianceResult, error) {
	var results []compliance.ComplianceResult
	for scanner.Scan() {
		if strings.TrimSpace(scanner.Text()) == "" {
			continue
		}
		var result compliance.ComplianceResult
		if err := json.Unmarshal(scanner.Bytes(), &result); err != nil {
			return nil, fmt.Errorf("line %q: %v", scanner.Text(), err)
		}
		results = append(results, result)
	}
	return results, scanner.Err()
}

func unknownField(c cases) error {
	var answer compliance.ComplianceJobResponse
	if err := json.Unmarshal(c.UnknownField, &answer); err != nil {
		return err
	}
	if answer.Data == nil || answer.Data.AdditionalProperties["priority"] != "high" {
		return fmt.Errorf("the unknown field was not kept: %v", answer.Data)
	}
	return nil
}

func unknownEnums(c cases) error {
	var answer compliance.ComplianceJobResponse
	if err := json.Unmarshal(c.UnknownEnums, &answer); err != nil {
		return err
	}
	// Open enums come out of openapi-generator as a struct holding the raw string.
	status, jobType := answer.Data.Status.String, answer.Data.Type.String
	if status == nil || *status != c.UnknownStatus || jobType == nil || *jobType != c.UnknownType {
		return fmt.Errorf("raw values lost: status %v, type %v", status, jobType)
	}
	return nil
}

func withoutOptional(c cases) error {
	var list compliance.ComplianceJobListResponse
	if err := json.Unmarshal(c.WithoutOptional, &list); err != nil {
		return err
	}
	job := list.Data[0]
	if job.HasName() || job.HasResumable() || job.HasError() || list.HasMeta() {
		return fmt.Errorf("absent fields read as present")
	}
	return nil
}

func timestamps(c cases) error {
	for _, stamp := range c.Timestamps {
		line := fmt.Sprintf(`{"id":"1","action":"delete","reason":"deleted","created_at":%q}`, stamp.Value)
		var result compliance.ComplianceResult
		if err := json.Unmarshal([]byte(line), &result); err != nil {
			return fmt.Errorf("%s: %v", stamp.Value, err)
		}
		if got := result.CreatedAt.UnixMilli(); got != stamp.EpochMs {
			return fmt.Errorf("%s read as %d ms, not %d", stamp.Value, got, stamp.EpochMs)
		}
	}
	return nil
}

func unknownReason(c cases) error {
	results, err := parseLines(bufio.NewScanner(strings.NewReader(c.ResultsLines)))
	if err != nil {
		return err
	}
	for _, result := range results {
		if reason := result.Reason.String; reason == nil || *reason != c.UnknownReason {
			return fmt.Errorf("reason lost: %v", reason)
		}
	}
	return nil
}

func main() {
	realDir, casesPath := os.Args[1], os.Args[2]
	raw, err := os.ReadFile(casesPath)
	if err != nil {
		panic(err)
	}
	var c cases
	if err := json.Unmarshal(raw, &c); err != nil {
		panic(err)
	}
	checks := []struct {
		name string
		run  func() error
	}{
		{"real bodies", func() error { return realBodies(realDir) }},
		{"unknown field", func() error { return unknownField(c) }},
		{"unknown status/type", func() error { return unknownEnums(c) }},
		{"optional fields absent", func() error { return withoutOptional(c) }},
		{"timestamps", func() error { return timestamps(c) }},
		{"unknown reason", func() error { return unknownReason(c) }},
	}
	for _, check := range checks {
		if err := check.run(); err != nil {
			fmt.Printf("%s\tFAIL: %v\n", check.name, err)
		} else {
			fmt.Printf("%s\tok\n", check.name)
		}
	}
}
