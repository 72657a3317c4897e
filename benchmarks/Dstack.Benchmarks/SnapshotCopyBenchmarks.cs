using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using Dstack.Runtime.Snapshots;

namespace Dstack.Benchmarks;

/// <summary>
/// Scan and copy of a 5,000-file source tree (250 folders of 20 files, 1-16 KB each, about 41 MB, every tenth file
/// executable): <see cref="CodeSnapshot.Scan"/> inside and outside a git work tree, and
/// <see cref="CodeSnapshot.CopyTo"/> into a fresh folder (deleted after each iteration).
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 2, iterationCount: 10)]
public class SnapshotCopyBenchmarks
{
    private string _folder = string.Empty;
    private string _plain = string.Empty;
    private string _repository = string.Empty;
    private string _target = string.Empty;
    private CodeSnapshot? _snapshot;

    [GlobalSetup]
    public void Setup()
    {
        _folder = Path.Combine(Path.GetTempPath(), "dstack-bench-" + Guid.NewGuid().ToString("N")[..12]);
        _plain = Path.Combine(_folder, "plain");
        _repository = Path.Combine(_folder, "repository");
        foreach (var root in new[] { _plain, _repository })
        {
            Populate(root);
        }

        Git(_repository, "init", "-q");
        Git(_repository, "add", "-A");
        _snapshot = CodeSnapshot.Scan(_plain);
        if (_snapshot.Files.Count != 5001)
        {
            throw new InvalidOperationException($"expected 5,001 files, scanned {_snapshot.Files.Count}");
        }
    }

    [GlobalCleanup]
    public void Cleanup() => Directory.Delete(_folder, recursive: true);

    [IterationSetup(Target = nameof(Copy))]
    public void NewTarget() => _target = Path.Combine(_folder, "copy-" + Guid.NewGuid().ToString("N")[..8]);

    [IterationCleanup(Target = nameof(Copy))]
    public void DeleteTarget() => Directory.Delete(_target, recursive: true);

    [Benchmark(Description = "CopyTo 5,000 files")]
    public SnapshotCopyResult Copy() => _snapshot!.CopyTo(_target);

    [Benchmark(Description = "Scan 5,000 files, walk")]
    public CodeSnapshot ScanWalk() => CodeSnapshot.Scan(_plain);

    [Benchmark(Description = "Scan 5,000 files, git")]
    public CodeSnapshot ScanGit() => CodeSnapshot.Scan(_repository);

    private static void Populate(string root)
    {
        var random = new Random(42);
        var buffer = new byte[16 * 1024];
        for (var folder = 0; folder < 250; folder++)
        {
            var path = Path.Combine(root, $"pkg{folder / 25}", $"module{folder}");
            Directory.CreateDirectory(path);
            for (var file = 0; file < 20; file++)
            {
                random.NextBytes(buffer);
                var name = Path.Combine(path, $"file{file}.py");
                File.WriteAllBytes(name, buffer.AsSpan(0, random.Next(1024, buffer.Length)).ToArray());
                if (file % 10 == 0 && !OperatingSystem.IsWindows())
                {
                    File.SetUnixFileMode(name, File.GetUnixFileMode(name) | UnixFileMode.UserExecute);
                }
            }
        }

        File.WriteAllText(Path.Combine(root, ".gitignore"), "*.pyc\n__pycache__/\n");
    }

    private static void Git(string folder, params string[] arguments)
    {
        var start = new ProcessStartInfo("git") { WorkingDirectory = folder, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var git = Process.Start(start)!;
        git.WaitForExit();
        if (git.ExitCode != 0)
        {
            throw new InvalidOperationException($"git {string.Join(' ', arguments)} failed");
        }
    }
}
