using BenchmarkDotNet.Attributes;
using Dstack.Runtime.Configuration;

namespace Dstack.Benchmarks;

/// <summary>
/// Load and validate (<see cref="ConfigurationLoader.LoadText"/>: YAML, model, rules) of a 10-line and a 400-line
/// realistic task. Targets on one core: 50 µs for the small file (20,000 files/s), 1 ms for the large one (1,000 files/s).
/// </summary>
[MemoryDiagnoser]
public class ConfigurationLoadBenchmarks
{
    private string _small = string.Empty;
    private string _large = string.Empty;

    [GlobalSetup]
    public void Setup()
    {
        _small = Read("small.dstack.yml");
        _large = Read("large.dstack.yml");
        foreach (var text in new[] { _small, _large })
        {
            var document = ConfigurationLoader.LoadText("bench.dstack.yml", text);
            if (!document.IsValid)
            {
                throw new InvalidOperationException("benchmark input is invalid:\n" + string.Join('\n', document.Diagnostics));
            }
        }
    }

    [Benchmark(Description = "LoadText 10 lines")]
    public ConfigurationDocument Small() => ConfigurationLoader.LoadText("small.dstack.yml", _small);

    [Benchmark(Description = "LoadText 400 lines")]
    public ConfigurationDocument Large() => ConfigurationLoader.LoadText("large.dstack.yml", _large);

    private static string Read(string name) => File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Inputs", name));
}
