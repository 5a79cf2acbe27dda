// compare --chapter 01-perceptron --learner DIR --solution DIR --out DIR
//
// The tool behind `make compare`: both folders hold the outputs of the same
// programs, run with the same seed, once on the learner's code and once on the
// solutions. Per program of the chapter's tour it prints the result values side
// by side, overlays every metrics curve (learner and solution in one plot), and
// names the first traced tensor where the two runs part. Differences are
// information, not failure: it exits 0 unless its own input is bad.
#include <algorithm>
#include <filesystem>
#include <iostream>
#include <functional>
#include <map>
#include <set>

#include "common/cli.hpp"
#include "common/files.hpp"
#include "common/metrics.hpp"
#include "common/plot.hpp"
#include "common/tools/report.hpp"
#include "common/trace.hpp"

namespace fs = std::filesystem;
namespace tools = nn::tools;

namespace {

struct Folders {
    fs::path learner, solution, out;
};

struct ProgramRuns {
    std::string name;
    std::optional<tools::Manifest> yours, solution;
    std::vector<std::string> csvs;  // file names present in either folder
};

std::set<std::string> csv_files(const fs::path& dir) {
    std::set<std::string> names;
    for (const auto& entry : fs::directory_iterator(dir))
        if (entry.path().extension() == ".csv") names.insert(entry.path().filename().string());
    return names;
}

// The figures of either run tell which program wrote which CSV.
std::vector<ProgramRuns> read_runs(const std::vector<std::string>& tour, const Folders& f,
                                   std::vector<std::string>& unclaimed) {
    std::vector<ProgramRuns> runs;
    std::vector<tools::ProgramFiles> files;
    std::vector<std::string> warnings;
    for (const auto& name : tour) {
        ProgramRuns run{name, tools::read_manifest((f.learner / (name + ".manifest")).string(), warnings),
                        tools::read_manifest((f.solution / (name + ".manifest")).string(), warnings), {}};
        tools::ProgramFiles program{name, {}};
        for (const auto& m : {run.yours, run.solution})
            if (m) for (const auto& figure : m->figures) program.figures.push_back(figure.file);
        runs.push_back(run);
        files.push_back(program);
    }
    for (const auto& w : warnings) std::cerr << "compare: warning: " << w << "\n";
    std::set<std::string> csvs = csv_files(f.learner);
    csvs.merge(csv_files(f.solution));
    for (const auto& csv : csvs) {
        if (auto owner = tools::csv_owner(fs::path(csv).stem().string(), files)) runs[*owner].csvs.push_back(csv);
        else unclaimed.push_back(csv);
    }
    return runs;
}

// ---------------------------------------------------------------- one program

// Prints the side-by-side results; true when something differs or is missing.
bool compare_results(const ProgramRuns& run, const Folders& f) {
    // The log's last line says why a run stopped ("exercise 1.6 is not implemented yet").
    auto why_stopped = [&](const fs::path& folder, const char* whose) {
        const fs::path log = folder / (run.name + ".log");
        std::cout << "  " << whose << " did not finish";
        if (std::optional<std::string> last = tools::last_line(log.string()))
            std::cout << ": " << *last << "\n    (all it printed: " << log.string() << ")\n";
        else
            std::cout << " and left no log; run it alone to see its error\n";
    };
    if (!run.yours) why_stopped(f.learner, "your program");
    if (!run.solution) why_stopped(f.solution, "the solution");
    if (!run.yours || !run.solution) return true;
    auto rows = tools::side_by_side(run.yours->results, run.solution->results);
    if (rows.empty()) {
        std::cout << "  no result values\n";
        return false;
    }
    std::cout << tools::format_side_by_side(rows, "  ");
    return std::any_of(rows.begin(), rows.end(), [](const auto& row) { return row.differs; });
}

nn::Figure overlay(const std::string& csv, const std::string& column, const nn::MetricsLog& yours,
                   const nn::MetricsLog& solution) {
    const std::string& x = solution.columns().front();
    nn::Axes axes;
    axes.title = csv + " : " + column;
    axes.xlabel = x;
    axes.ylabel = column;
    nn::Figure figure(axes);
    figure.add({"yours", yours.column(yours.columns().front()), yours.column(column),
                "linespoints lw 2 pt 7 ps 0.7 lc rgb '#1f77b4'"});
    figure.add({"solution", solution.column(x), solution.column(column), "lines lw 2 dt 2 lc rgb '#d62728'"});
    return figure;
}

// Overlays every column after the first; true when a curve or a column differs.
bool compare_csv(const std::string& program, const std::string& csv, const Folders& f,
                 std::vector<std::string>& plots) {
    bool in_yours = fs::exists(f.learner / csv), in_solution = fs::exists(f.solution / csv);
    if (!in_yours || !in_solution) {
        std::cout << "  " << csv << " only in " << (in_yours ? "your folder" : "the solution's folder") << "\n";
        return true;
    }
    // Text columns (chain_rule's expressions) are not curves; timings are not results.
    nn::MetricsLog yours = nn::read_metrics_csv((f.learner / csv).string(), true);
    nn::MetricsLog solution = nn::read_metrics_csv((f.solution / csv).string(), true);
    const auto& columns = solution.columns();
    if (tools::is_timing_metric(columns.front())) return false;
    bool differs = tools::series_differ(yours.column(yours.columns().front()), solution.column(columns.front()));
    for (size_t c = 1; c < columns.size(); ++c) {
        const std::string& column = columns[c];
        if (tools::is_timing_metric(column)) continue;
        const auto& mine = yours.columns();
        if (std::find(mine.begin(), mine.end(), column) == mine.end()) {
            std::cout << "  " << csv << ": your CSV has no column " << column << "\n";
            differs = true;
            continue;
        }
        bool curve_differs = tools::series_differ(yours.column(column), solution.column(column));
        fs::path png = f.out / (tools::safe_file_part(program) + "_" + tools::safe_file_part(fs::path(csv).stem().string()) +
                                "_" + tools::safe_file_part(column) + ".png");
        nn::save_png(overlay(csv, column, yours, solution), png.string());
        plots.push_back(png.string() + (curve_differs ? "  (differs)" : "  (same)"));
        differs = differs || curve_differs;
    }
    return differs;
}

// Prints the first divergence of the traces; true when they part or one is missing.
bool compare_traces(const std::string& program, const Folders& f) {
    fs::path yours = f.learner / (program + ".trace"), solution = f.solution / (program + ".trace");
    bool have_yours = fs::exists(yours), have_solution = fs::exists(solution);
    if (!have_yours && !have_solution) {
        std::cout << "  no traces (this program records none, or neither run got that far)\n";
        return false;
    }
    if (!have_yours || !have_solution) {
        std::cout << "  no trace from " << (have_yours ? "the solution" : "your program") << " ("
                  << (have_yours ? solution : yours).string() << ")\n";
        return true;
    }
    auto learner_records = nn::read_trace(yours.string());
    auto solution_records = nn::read_trace(solution.string());
    if (auto d = nn::first_divergence(learner_records, solution_records)) {
        std::cout << "  " << tools::describe_divergence(*d) << "\n";
        return true;
    }
    std::cout << "  " << tools::describe_agreement(solution_records) << "\n";
    return false;
}

// Runs one comparison step; a file it cannot read is reported, not fatal.
bool reported(const std::function<bool()>& step) {
    try {
        return step();
    } catch (const std::exception& e) {
        std::cout << "  " << e.what() << "\n";
        return true;
    }
}

enum class Outcome { Same, Differs, Stopped };

Outcome compare_program(const ProgramRuns& run, const Folders& f) {
    std::cout << "\n== " << run.name << "\n";
    bool differs = compare_results(run, f);
    // A run that stopped has no curves or traces worth a line each: its reason is enough.
    if (!run.yours || !run.solution) return Outcome::Stopped;
    std::vector<std::string> plots;
    for (const auto& csv : run.csvs)
        differs = reported([&] { return compare_csv(run.name, csv, f, plots); }) || differs;
    // Only the curves that differ are worth a line each.
    std::vector<std::string> differing;
    for (const auto& plot : plots)
        if (plot.ends_with("(differs)")) differing.push_back(plot.substr(0, plot.size() - std::string("  (differs)").size()));
    if (!differing.empty()) {
        std::cout << "  curves that differ (yours: points and lines; solution: dashed):\n";
        for (const auto& plot : differing) std::cout << "    " << plot << "\n";
    }
    if (plots.size() > differing.size())
        std::cout << "  " << plots.size() - differing.size() << " of " << plots.size()
                  << " curves the same as the solution's (overlaid in " << f.out.string() << ")\n";
    differs = reported([&] { return compare_traces(run.name, f); }) || differs;
    return differs ? Outcome::Differs : Outcome::Same;
}

// ---------------------------------------------------------------- main

fs::path existing_folder(const std::string& option, const std::string& dir) {
    if (dir.empty()) throw nn::UsageError(option + " is required");
    if (!fs::is_directory(dir)) throw nn::UsageError(option + " " + dir + " is not a folder");
    return dir;
}

void run(int argc, char** argv) {
    namespace po = boost::program_options;
    std::string chapter, learner, solution, out, chapters = "chapters";
    po::options_description options("options");
    options.add_options()
        ("chapter", po::value(&chapter)->value_name("CHAPTER"), "chapter folder name, e.g. 01-perceptron")
        ("learner", po::value(&learner)->value_name("DIR"), "outputs of the programs built on your code")
        ("solution", po::value(&solution)->value_name("DIR"), "outputs of the same programs built on the solutions")
        ("out", po::value(&out)->value_name("DIR"), "where the overlay plots go")
        ("chapters", po::value(&chapters)->default_value(chapters)->value_name("DIR"),
         "the chapters folder (for tour.txt)");
    tools::parse_tool_options(argc, argv, "compare --chapter CHAPTER --learner DIR --solution DIR --out DIR", options);
    if (chapter.empty()) throw nn::UsageError("--chapter is required, e.g. --chapter 01-perceptron");
    if (out.empty()) throw nn::UsageError("--out is required (the folder for the overlay plots)");
    fs::path chapter_dir = existing_folder("--chapter", (fs::path(chapters) / chapter).string());
    Folders f{existing_folder("--learner", learner), existing_folder("--solution", solution), out};
    std::vector<std::string> tour = tools::read_tour((chapter_dir / "tour.txt").string());
    nn::make_directories(out);

    std::cout << "comparing your runs (" << learner << ") with the solution's (" << solution << ")\n";
    std::vector<std::string> unclaimed;
    std::vector<ProgramRuns> runs = read_runs(tour, f, unclaimed);
    std::map<Outcome, size_t> count;
    for (const auto& program : runs) ++count[compare_program(program, f)];
    for (const auto& csv : unclaimed)
        std::cout << "\n(" << csv << " belongs to no program of the tour; not compared)\n";
    std::cout << "\ncompare: " << runs.size() << " programs: " << count[Outcome::Same] << " the same as the solution's, "
              << count[Outcome::Differs] << " with differences, " << count[Outcome::Stopped] << " did not finish\n";
}

}  // namespace

int main(int argc, char** argv) {
    return nn::run_program(argc, argv, [&] { run(argc, argv); });
}
