using System.Diagnostics;
using Dstack.Runtime.Pipelines;

namespace Dstack.Benchmarks;

/// <summary>
/// Whole-operation timings of a workflow cache (docs/performance.md, "Workflow cache"): a tree of N files of M MB in
/// all, saved and restored by <see cref="WorkflowCache"/>, first and unchanged, next to <c>cp -a</c> and
/// <c>rsync -a</c> of the same tree (first copy and an unchanged rerun). Each measure runs 3 times, the page cache
/// dropped nowhere (the machine's normal state after writing the tree); the median is printed.
/// Usage: <c>dotnet run -c Release --project benchmarks/Dstack.Benchmarks -- cache [MB] [FILES]</c>.
/// </summary>
public static class WorkflowCacheTimings
{
    public static int Run(string[] args)
    {
        var megabytes = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 500;
        var files = args.Length > 1 ? int.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 5000;
        var root = Path.Combine(Path.GetTempPath(), "dstack-cache-bench-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var source = Path.Combine(root, "source");
            MakeTree(source, megabytes, files);
            Console.WriteLine($"tree: {files} files, {megabytes} MB in {source}");
            var results = new List<(string Name, double Ms)>
            {
                ("cp -a (first)", Median(i => Process(root, "cp", "-a", source, Path.Combine(root, $"cp{i}")))),
            };
            if (Exists("rsync"))
            {
                results.Add(("rsync -a (first)", Median(i => Process(root, "rsync", "-a", source + "/", Path.Combine(root, $"rs{i}") + "/"))));
                results.Add(("rsync -a (unchanged rerun)", Median(_ => Process(root, "rsync", "-a", source + "/", Path.Combine(root, "rs0") + "/"))));
            }

            results.Add(("WorkflowCache.Save (first)", Median(i => Time(() => new WorkflowCache(Path.Combine(root, $"cache{i}")).Save(source)))));
            results.Add(("WorkflowCache.Save (unchanged rerun)", Median(_ => Time(() => new WorkflowCache(Path.Combine(root, "cache0")).Save(source)))));
            results.Add(("WorkflowCache.Restore (into an empty folder)", Median(i => Time(() => new WorkflowCache(Path.Combine(root, "cache0")).Restore(Path.Combine(root, $"restored{i}"), out _)))));
            results.Add(("WorkflowCache.Restore (unchanged rerun)", Median(run => Time(() => new WorkflowCache(Path.Combine(root, "cache0")).Restore(Path.Combine(root, "restored0"), out _)))));
            foreach (var (name, ms) in results)
            {
                Console.WriteLine($"{name,-46} {ms,8:0} ms   {megabytes / (ms / 1000):0} MB/s");
            }

            return 0;
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    private static void MakeTree(string source, int megabytes, int files)
    {
        var size = (int)((long)megabytes * 1024 * 1024 / files);
        var buffer = new byte[size];
        var random = new Random(16);
        for (var i = 0; i < files; i++)
        {
            random.NextBytes(buffer);
            var folder = Path.Combine(source, $"d{i % 50:00}", $"e{i % 7}");
            Directory.CreateDirectory(folder);
            File.WriteAllBytes(Path.Combine(folder, $"f{i:00000}.bin"), buffer);
        }
    }

    private static double Median(Func<int, double> measure)
    {
        var samples = Enumerable.Range(0, 3).Select(measure).Order().ToList();
        return samples[1];
    }

    private static double Time(Action action)
    {
        var clock = Stopwatch.StartNew();
        action();
        return clock.Elapsed.TotalMilliseconds;
    }

    private static double Process(string root, string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { WorkingDirectory = root, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var clock = Stopwatch.StartNew();
        using var process = System.Diagnostics.Process.Start(start)!;
        process.WaitForExit();
        return process.ExitCode == 0 ? clock.Elapsed.TotalMilliseconds : throw new InvalidOperationException($"{program} exited with {process.ExitCode}");
    }

    private static bool Exists(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':').Any(folder => File.Exists(Path.Combine(folder, program)));
}
