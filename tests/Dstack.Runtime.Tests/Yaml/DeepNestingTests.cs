using System.Diagnostics;
using System.Text;
using Dstack.Runtime.Configuration;
using Dstack.Runtime.Diagnostics;

namespace Dstack.Runtime.Tests.Yaml;

/// <summary>
/// Files nested far past <see cref="Dstack.Runtime.Yaml.YamlTreeReader.MaxDepth"/>: checked in time linear in their
/// size (four times the bytes may not take much more than four times as long), with the limit reported where it is
/// passed.
/// </summary>
[Trait("Category", "Fast")]
public sealed class DeepNestingTests
{
    public static TheoryData<string> Shapes => ["flow-sequence", "flow-mapping", "block-sequence", "block-mapping", "mixed"];

    /// <summary>A task whose <c>env</c> is a value about <paramref name="size"/> bytes long, nested as deep as that allows.</summary>
    internal static string Nested(string shape, int size)
    {
        var text = new StringBuilder("type: task\ncommands:\n  - echo\nenv: ");
        switch (shape)
        {
            case "flow-sequence":
                text.Append('[', size / 2).Append(']', size / 2);
                break;
            case "flow-mapping":
                text.Insert(text.Length, "{a: ", size / 6).Append('1').Append('}', size / 6);
                break;
            case "block-sequence":
                text.Append("\n  ").Insert(text.Length, "- ", size / 2).Append('x');
                break;
            case "block-mapping":
                // Each level is indented one more space, so n levels take about n * n / 2 bytes.
                text.Append('\n');
                for (var level = 1; text.Length < size; level++)
                {
                    text.Append(' ', level).Append("a:\n");
                }

                text.Append(' ', 2000).Append("1");
                break;
            default:
                for (var level = 0; text.Length < size; level++)
                {
                    text.Append(level % 2 == 0 ? "[" : "{a: ");
                }

                break;
        }

        return text.Append('\n').ToString();
    }

    /// <summary>The fastest of a few checks of each text, taken in turns so that a busy moment of the machine hits both.</summary>
    private static (TimeSpan Small, TimeSpan Large) Fastest(string small, string large)
    {
        var fastest = (Small: TimeSpan.MaxValue, Large: TimeSpan.MaxValue);
        for (var run = 0; run < 5; run++)
        {
            var smallTime = Time(small);
            var largeTime = Time(large);
            fastest = (smallTime < fastest.Small ? smallTime : fastest.Small, largeTime < fastest.Large ? largeTime : fastest.Large);
            if (largeTime > TimeSpan.FromSeconds(2))
            {
                break;
            }
        }

        return fastest;
    }

    private static TimeSpan Time(string text)
    {
        GC.Collect();
        var clock = Stopwatch.StartNew();
        _ = ConfigurationLoader.LoadText("deep.dstack.yml", text);
        return clock.Elapsed;
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void LoadText_FourTimesDeeper_TakesAboutFourTimesAsLong(string shape)
    {
        // Large enough that neither fits in a cache, so both pay the same per byte.
        var small = Nested(shape, 100_000);
        var large = Nested(shape, 400_000);
        _ = Time(small);

        var (smallTime, largeTime) = Fastest(small, large);

        // Linear is about 4; quadratic is about 16. The bound leaves room for a loaded machine.
        Assert.True(largeTime < smallTime * 8 + TimeSpan.FromMilliseconds(20), $"{shape}: {small.Length} bytes took {smallTime.TotalMilliseconds:0.0} ms, {large.Length} bytes {largeTime.TotalMilliseconds:0.0} ms");
    }

    [Theory]
    [InlineData("flow-sequence", 4, 105)]
    [InlineData("flow-mapping", 4, 402)]
    [InlineData("block-sequence", 5, 201)]
    public void LoadText_FarPastTheLimit_ReportsTheLimitOnceWhereItIsPassed(string shape, int line, int column)
    {
        var document = ConfigurationLoader.LoadText("deep.dstack.yml", Nested(shape, 40_000));

        var error = Assert.Single(document.Diagnostics, d => d.Code == DiagnosticCodes.NestingTooDeep);
        Assert.True((line, column) == (error.Span.StartLine, error.Span.StartColumn), error.ToString());
    }
}
