#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/errors.hpp"
#include "common/tools/report.hpp"
#include "tests/scratch_dir.hpp"

namespace {

using nn::tools::SideBySideRow;

nn::tools::Manifest parse(const std::string& text, std::vector<std::string>& warnings) {
    std::istringstream in(text);
    return nn::tools::parse_manifest(in, "logic_gates.manifest", warnings);
}

const SideBySideRow& row_named(const std::vector<SideBySideRow>& rows, const std::string& metric) {
    for (const auto& row : rows)
        if (row.metric == metric) return row;
    throw std::out_of_range("no row " + metric);
}

// The line of a formatted table that starts with the metric's name (after the indent).
std::string line_of(const std::string& table, const std::string& metric) {
    std::istringstream in(table);
    for (std::string line; std::getline(in, line);)
        if (line.rfind("  " + metric + " ", 0) == 0) return line;
    return "";
}

bool ends_with_marker(const std::string& line) {
    return line.size() >= 2 && line.substr(line.size() - 2) == "<-";
}

}  // namespace

// ---------------------------------------------------------------- manifests

TEST(Manifest, ParsesProgramFiguresAndResultsInOrder) {
    std::vector<std::string> warnings;
    auto m = parse("program\tlogic_gates\n"
                   "figure\tgates_errors.png\tErrors per epoch, AND & OR\n"
                   "figure\tgates.gif\tThe boundary moving\n"
                   "result\tand_epochs\t3\n"
                   "result\txor_errors\t2\n",
                   warnings);
    EXPECT_TRUE(warnings.empty());
    EXPECT_EQ(m.program, "logic_gates");
    ASSERT_EQ(m.figures.size(), 2u);
    EXPECT_EQ(m.figures[0].file, "gates_errors.png");
    EXPECT_EQ(m.figures[0].caption, "Errors per epoch, AND & OR");
    EXPECT_EQ(m.figures[1].file, "gates.gif");
    ASSERT_EQ(m.results.size(), 2u);
    EXPECT_EQ(m.results[0], (std::pair<std::string, std::string>{"and_epochs", "3"}));
    EXPECT_EQ(m.results[1], (std::pair<std::string, std::string>{"xor_errors", "2"}));
}

TEST(Manifest, SkipsMalformedLinesWithAWarningNamingTheLine) {
    std::vector<std::string> warnings;
    auto m = parse("program\tlogic_gates\n"
                   "figure\tonly_a_file.png\n"          // no caption field
                   "result\tand_epochs\t3\n"
                   "colour\tblue\n"                     // unknown record
                   "figure\t../../etc/passwd\tsneaky\n"  // outside the folder
                   "\n"
                   "result\tor_epochs\t2\r\n",           // CRLF is tolerated
                   warnings);
    EXPECT_EQ(m.program, "logic_gates");
    EXPECT_TRUE(m.figures.empty());
    ASSERT_EQ(m.results.size(), 2u);
    EXPECT_EQ(m.results[1].second, "2");
    ASSERT_EQ(warnings.size(), 3u);
    EXPECT_NE(warnings[0].find("logic_gates.manifest:2:"), std::string::npos) << warnings[0];
    EXPECT_NE(warnings[1].find(":4:"), std::string::npos) << warnings[1];
    EXPECT_NE(warnings[2].find(":5:"), std::string::npos) << warnings[2];
}

TEST(Manifest, MissingFileMeansTheProgramDidNotFinish) {
    ScratchDir folder;
    ASSERT_FALSE(folder.path().empty());
    std::vector<std::string> warnings;
    EXPECT_FALSE(nn::tools::read_manifest(folder / "absent.manifest", warnings).has_value());

    std::string path = folder / "convergence.manifest";
    std::ofstream(path) << "result\tupdates\t7\n";
    auto m = nn::tools::read_manifest(path, warnings);
    ASSERT_TRUE(m.has_value());
    EXPECT_EQ(m->program, "convergence");  // named after the file when the line is missing
    ASSERT_EQ(warnings.size(), 1u);
}

// ---------------------------------------------------------------- chapters

TEST(Tour, KeepsReadingOrderAndSkipsBlankAndCommentLines) {
    std::istringstream in("activations\n\n# the rule\nlogic_gates  \r\nconvergence\nfashion");
    EXPECT_EQ(nn::tools::parse_tour(in),
              (std::vector<std::string>{"activations", "logic_gates", "convergence", "fashion"}));
}

TEST(Tour, ReadsTheFileAndThrowsDataErrorWhenItIsMissing) {
    ScratchDir folder;
    ASSERT_FALSE(folder.path().empty());
    std::ofstream(folder / "tour.txt") << "zeta\nalpha\n";
    EXPECT_EQ(nn::tools::read_tour(folder / "tour.txt"), (std::vector<std::string>{"zeta", "alpha"}));
    EXPECT_THROW(nn::tools::read_tour(folder / "none.txt"), nn::DataError);
}

TEST(ChapterTitle, IsTheFirstTopLevelHeading) {
    std::istringstream readme("\n## not this\n# Chapter 1: The perceptron\n# Nor this\n");
    EXPECT_EQ(nn::tools::chapter_title(readme), "Chapter 1: The perceptron");
    std::istringstream none("no heading here\n## only a sub-heading\n");
    EXPECT_FALSE(nn::tools::chapter_title(none).has_value());
    // A form feed or vertical tab is space too (the fuzzer's find); extra spaces after # are allowed.
    std::istringstream spaced("#   Chapter 2: Gradient descent\v\f\n");
    EXPECT_EQ(nn::tools::chapter_title(spaced), "Chapter 2: Gradient descent");
}

// ---------------------------------------------------------------- HTML

TEST(Html, EscapesMarkupAndQuotes) {
    EXPECT_EQ(nn::tools::html_escape(R"(a<b> & "c" 'd')"), "a&lt;b&gt; &amp; &quot;c&quot; &#39;d&#39;");
    EXPECT_EQ(nn::tools::html_escape("plain text"), "plain text");
}

TEST(Html, PercentEncodesPathsButKeepsSlashes) {
    EXPECT_EQ(nn::tools::url_path_escape("01-perceptron/my plot#1.png"), "01-perceptron/my%20plot%231.png");
}

// ---------------------------------------------------------------- side by side

TEST(Differs, UsesARelativeToleranceForNumbersAndExactTextOtherwise) {
    EXPECT_FALSE(nn::tools::values_differ("0.8921", "0.8921"));
    EXPECT_FALSE(nn::tools::values_differ("1000.0", "1000.05"));  // 5e-5 relative
    EXPECT_TRUE(nn::tools::values_differ("1000.0", "1000.2"));    // 2e-4 relative
    EXPECT_TRUE(nn::tools::values_differ("0", "0.00001"));
    EXPECT_FALSE(nn::tools::values_differ("3", "3.0"));
    EXPECT_TRUE(nn::tools::values_differ("nan", "0.5"));
    EXPECT_FALSE(nn::tools::values_differ("nan", "nan"));
    EXPECT_TRUE(nn::tools::values_differ("yes", "no"));
}

TEST(SideBySide, MarksADifferingRowAndNotAnEqualOne) {
    auto rows = nn::tools::side_by_side({{"and_epochs", "3"}, {"xor_errors", "4"}},
                                        {{"and_epochs", "3"}, {"xor_errors", "2"}});
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_FALSE(row_named(rows, "and_epochs").differs);
    EXPECT_TRUE(row_named(rows, "xor_errors").differs);
    EXPECT_EQ(row_named(rows, "xor_errors").difference, "+2");

    std::string table = nn::tools::format_side_by_side(rows);
    EXPECT_NE(table.find("metric"), std::string::npos);
    EXPECT_NE(table.find("difference"), std::string::npos);
    EXPECT_FALSE(ends_with_marker(line_of(table, "and_epochs"))) << table;
    EXPECT_TRUE(ends_with_marker(line_of(table, "xor_errors"))) << table;
}

TEST(SideBySide, KeysOnOneSideOnlyDifferButTimingsNever) {
    auto rows = nn::tools::side_by_side({{"seconds", "3.1"}, {"extra", "1"}},
                                        {{"seconds", "41.2"}, {"accuracy", "0.9"}});
    ASSERT_EQ(rows.size(), 3u);
    EXPECT_EQ(rows[0].metric, "seconds");   // solution's order first
    EXPECT_EQ(rows[1].metric, "accuracy");
    EXPECT_EQ(rows[2].metric, "extra");     // then the learner's own keys
    EXPECT_FALSE(rows[0].differs);
    EXPECT_TRUE(rows[1].differs);
    EXPECT_FALSE(rows[1].yours.has_value());
    EXPECT_TRUE(rows[2].differs);
    std::string table = nn::tools::format_side_by_side(rows);
    EXPECT_NE(line_of(table, "accuracy").find("(missing)"), std::string::npos) << table;
}

TEST(SideBySide, AlignsColumns) {
    auto rows = nn::tools::side_by_side({{"a", "1"}, {"long_metric_name", "2"}},
                                        {{"a", "1"}, {"long_metric_name", "2"}});
    std::string table = nn::tools::format_side_by_side(rows);
    EXPECT_EQ(line_of(table, "a").find('|'), line_of(table, "long_metric_name").find('|')) << table;
}

TEST(SeriesDiffer, ComparesLengthsAndValues) {
    EXPECT_FALSE(nn::tools::series_differ({1, 2, 3}, {1, 2, 3}));
    EXPECT_TRUE(nn::tools::series_differ({1, 2, 3}, {1, 2.5, 3}));
    EXPECT_TRUE(nn::tools::series_differ({1, 2}, {1, 2, 3}));
    EXPECT_FALSE(nn::tools::series_differ({NAN, 1}, {NAN, 1}));
}

// ---------------------------------------------------------------- CSV files

TEST(CsvOwner, PrefersAFigureOfTheSameStemThenTheProgramNameThenAFirstWord) {
    std::vector<nn::tools::ProgramFiles> programs = {
        {"activations", {"activations.png"}},
        {"logic_gates", {"gates_errors.png", "gates_boundary.gif"}},
        {"convergence", {"convergence_bound.png"}},
    };
    EXPECT_EQ(nn::tools::csv_owner("gates_errors", programs), 1u);
    EXPECT_EQ(nn::tools::csv_owner("convergence_updates", programs), 2u);
    EXPECT_EQ(nn::tools::csv_owner("logic_gates_log", programs), 1u);
    EXPECT_EQ(nn::tools::csv_owner("gates_weights", programs), 1u);
    EXPECT_FALSE(nn::tools::csv_owner("fashion_curves", programs).has_value());
}

// ---------------------------------------------------------------- traces

TEST(Divergence, DescribesTheStepTensorIndexAndBothValues) {
    nn::Divergence d{3, "w", 1, 0.25f, 0.5f, "step 3, tensor w, index 1: learner 0.25, solution 0.5"};
    EXPECT_EQ(nn::tools::describe_divergence(d),
              "first difference: step 3, tensor w, index 1: yours 0.25, solution 0.5");
}

TEST(Divergence, FallsBackOnItsSentenceWhenTheRecordsDoNotMatch) {
    nn::Divergence d{2, "w", 0, 0.0f, 0.0f, "step 2, tensor w: learner has 3 values, solution 2"};
    EXPECT_EQ(nn::tools::describe_divergence(d), "first difference: step 2, tensor w: yours has 3 values, solution 2");
    d.what = "step 2, tensor w: missing from the learner's trace";
    EXPECT_EQ(nn::tools::describe_divergence(d), "first difference: step 2, tensor w: missing from your trace");
}

TEST(Divergence, AgreementCountsDistinctStepsAndRecords) {
    std::vector<nn::TraceRecord> records = {{0, "w", {1}}, {0, "b", {0}}, {1, "w", {2}}, {1, "b", {1}}};
    EXPECT_EQ(nn::tools::describe_agreement(records), "traces agree over the first 2 steps (4 records)");
    EXPECT_EQ(nn::tools::describe_agreement({}), "both traces are empty (this program traces nothing)");
}

TEST(FileNames, ReplaceUnsafeCharacters) {
    EXPECT_EQ(nn::tools::safe_file_part("test accuracy/%"), "test_accuracy__");
    EXPECT_EQ(nn::tools::safe_file_part("train_loss-1.0"), "train_loss-1.0");
}
