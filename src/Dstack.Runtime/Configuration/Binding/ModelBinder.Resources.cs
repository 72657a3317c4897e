using System.Globalization;
using Dstack.Runtime.Diagnostics;
using Dstack.Runtime.Resources;
using Dstack.Runtime.Yaml;

namespace Dstack.Runtime.Configuration.Binding;

/// <summary>Readers for the resource grammar: ranges, sizes, GPU specs, disks, compute capabilities.</summary>
public sealed partial class ModelBinder
{
    private Range<int>? ReadCountRange(YamlNode node, string path)
    {
        switch (node)
        {
            case YamlScalar { Kind: ScalarKind.Int } scalar when scalar.TryGetInt64(out var n):
                return Range<int>.Exactly(CheckCount(n, scalar.Value));
            case YamlScalar { Kind: ScalarKind.Float } scalar:
                return Range<int>.Exactly(CheckCount(WholeNumber(scalar), scalar.Value));
            case YamlScalar { Kind: ScalarKind.String } scalar:
                return RangeParser.ParseCount(scalar.Value);
            case YamlMapping mapping:
                return ReadRangeObject(mapping, path, ReadCountBound);
            default:
                WrongType(node, path, "a count such as 2 or a range such as 1..4");
                return null;
        }
    }

    private Range<Memory>? ReadMemoryRange(YamlNode node, string path)
    {
        switch (node)
        {
            case YamlScalar { Kind: ScalarKind.Int or ScalarKind.Float } scalar when scalar.TryGetDouble(out var gb):
                var exact = Memory.FromNumber(gb, scalar.Value);
                return Range<Memory>.Exactly(exact);
            case YamlScalar { Kind: ScalarKind.String } scalar:
                return RangeParser.ParseMemory(scalar.Value);
            case YamlMapping mapping:
                return ReadRangeObject(mapping, path, ReadMemoryBound);
            default:
                WrongType(node, path, "a size such as 16GB or a range such as 8GB..64GB");
                return null;
        }
    }

    private Memory? ReadMemory(YamlNode node, string path)
    {
        switch (node)
        {
            case YamlScalar { Kind: ScalarKind.Int or ScalarKind.Float } scalar when scalar.TryGetDouble(out var gb):
                return Memory.FromNumber(gb, scalar.Value);
            case YamlScalar { Kind: ScalarKind.String } scalar:
                if (scalar.Value.Contains("..", StringComparison.Ordinal))
                {
                    throw ValueException.Error(DiagnosticCodes.InvalidMemory, $"`{scalar.Value}` is a range, but this is a single size (could not convert string to float: '{scalar.Value.Replace(" ", string.Empty, StringComparison.Ordinal).ToLowerInvariant()}'); write one size such as 16GB");
                }

                return Memory.Parse(scalar.Value);
            default:
                WrongType(node, path, "a size such as 16GB");
                return null;
        }
    }

    private Range<T>? ReadRangeObject<T>(YamlMapping mapping, string path, Func<YamlNode, string, T?> bound)
        where T : struct, IComparable<T>
    {
        T? min = null, max = null;
        var ok = true;
        foreach (var entry in mapping.Entries)
        {
            var key = entry.Key.Value;
            if (key is not ("min" or "max"))
            {
                _diagnostics.Error(DiagnosticCodes.UnknownProperty, entry.Key.Span, $"unknown property `{path}.{key}` (extra fields not permitted); a range has only `min` and `max`");
                ok = false;
                continue;
            }

            if (entry.Value is YamlScalar { IsNull: true })
            {
                continue;
            }

            try
            {
                var value = bound(entry.Value, $"{path}.{key}");
                ok &= value is not null;
                if (key == "min")
                {
                    min = value;
                }
                else
                {
                    max = value;
                }
            }
            catch (ValueException e)
            {
                Report(e.Issue, entry.Value, $"{path}.{key}");
                ok = false;
            }
        }

        if (!ok)
        {
            return null;
        }

        var text = $"{{min: {min?.ToString() ?? "null"}, max: {max?.ToString() ?? "null"}}}";
        return RangeParser.Checked(new Range<T>(min, max), text);
    }

    private int? ReadCountBound(YamlNode node, string path) => node switch
    {
        YamlScalar { Kind: ScalarKind.Int } s when s.TryGetInt64(out var n) => CheckCount(n, s.Value),
        YamlScalar { Kind: ScalarKind.String } s => RangeParser.ParseCountValue(s.Value),
        YamlScalar { Kind: ScalarKind.Float } s => CheckCount(WholeNumber(s), s.Value),
        _ => WrongTypeNull<int>(node, path, "a whole number"),
    };

    private Memory? ReadMemoryBound(YamlNode node, string path) => ReadMemory(node, path);

    private T? WrongTypeNull<T>(YamlNode node, string path, string expected)
        where T : struct
    {
        WrongType(node, path, expected);
        return null;
    }

    private static int CheckCount(long n, string text) => n switch
    {
        < 0 => throw ValueException.Error(DiagnosticCodes.SuspiciousNumber, $"`{text}` is a negative count; counts start at 0: write {-n}"),
        > int.MaxValue => throw ValueException.Error(DiagnosticCodes.InvalidInteger, $"`{text}` is too large for a count"),
        _ => (int)n,
    };

    /// <summary>
    /// A float where dstack (pydantic v1) wants an integer: it takes int(x), so 4.0 is 4 and is accepted; 4.5 would be
    /// truncated to 4 without a word, which is an error here; inf and nan are not integers for dstack either.
    /// </summary>
    private static long WholeNumber(YamlScalar scalar)
    {
        if (!scalar.TryGetDouble(out var f) || double.IsNaN(f) || double.IsInfinity(f) || Math.Abs(f) >= 9.2e18)
        {
            throw ValueException.Error(DiagnosticCodes.InvalidInteger, $"`{scalar.Value}` is not a whole number (value is not a valid integer); write a whole number such as 2");
        }

        var truncated = Math.Truncate(f);
        return truncated == f
            ? (long)truncated
            : throw ValueException.Error(
                DiagnosticCodes.SuspiciousNumber,
                $"`{scalar.Value}` is not a whole number; dstack would silently truncate it to {truncated.ToString(CultureInfo.InvariantCulture)}: write {PythonNumber.WholeNumberChoices(f)}");
    }

    private GpuSpec? ReadGpu(YamlNode node, string path)
    {
        GpuSpec? spec;
        var warnings = new List<ValueIssue>();
        switch (node)
        {
            case YamlScalar { Kind: ScalarKind.Int } scalar when scalar.TryGetInt64(out var number):
                // dstack gets the integer YAML 1.1 reads (010 is 8, 0x2 is 2, 1_000 is 1000) and parses str() of it.
                var count = number.ToString(CultureInfo.InvariantCulture);
                spec = count == scalar.Value ? GpuSpecParser.Parse(count, warnings) : Unplaced(() => GpuSpecParser.Parse(count, warnings));
                var lookalikes = spec.Count.Min >= 100
                    ? GpuCatalog.All.Where(g => g.Name.EndsWith(count, StringComparison.OrdinalIgnoreCase)).Select(g => g.Name).ToList()
                    : [];
                if (lookalikes.Count > 0)
                {
                    var names = lookalikes.Count == 1 ? lookalikes[0] : $"{string.Join(", ", lookalikes.SkipLast(1))} or {lookalikes[^1]}";
                    warnings.Add(new ValueIssue(
                        DiagnosticCodes.GpuCountLooksLikeName,
                        DiagnosticSeverity.Warning,
                        $"`{scalar.Value}` asks for {count} GPUs, because a spec token without letters is a count; did you mean {names}?")
                    {
                        // A fix only where the name is plain: `100` could be A100, H100, P100 or V100.
                        Fix = lookalikes.Count == 1 && count == scalar.Value ? new ValueFix(lookalikes[0]) : null,
                    });
                }

                break;
            case YamlScalar { Kind: ScalarKind.String } scalar:
                spec = GpuSpecParser.Parse(scalar.Value, warnings);
                warnings.AddRange(GpuSpecAdvisor.Check(spec, scalar.Value));
                break;
            case YamlScalar { Kind: ScalarKind.Bool } scalar:
                throw ValueException.Error(DiagnosticCodes.SuspiciousNumber, $"`{scalar.Value}` is not a GPU spec (dstack would read it as a GPU named \"True\"); to ask for one GPU write `gpu: 1`");
            case YamlScalar { Kind: ScalarKind.Float } scalar:
                throw ValueException.Error(DiagnosticCodes.InvalidGpuSpec, $"`{scalar.Value}` is not a GPU spec (value is not a valid dict); write a count such as 2, a name such as A100, or tokens such as A100:80GB:2");
            case YamlMapping mapping:
                spec = ReadGpuObject(mapping, path, warnings);
                break;
            default:
                WrongType(node, path, "a GPU spec such as A100:80GB:2, a count, or a mapping");
                return null;
        }

        if (spec is null)
        {
            return null;
        }

        if (node is not YamlScalar { Kind: ScalarKind.String })
        {
            warnings.AddRange(GpuSpecAdvisor.Check(spec));
        }

        foreach (var warning in warnings)
        {
            Report(warning, node, path);
        }

        return spec;
    }

    // A problem found in a rewritten text (the decimal form of 0x10) cannot point inside what was written.
    private static T Unplaced<T>(Func<T> parse)
    {
        try
        {
            return parse();
        }
        catch (ValueException e)
        {
            throw new ValueException(e.Issue with { Offset = -1, Length = 0, Fix = null });
        }
    }

    private GpuSpec? ReadGpuObject(YamlMapping mapping, string path, List<ValueIssue> warnings)
    {
        // dstack wraps a single name in a list: `name: A100` means `name: [A100]`.
        if (mapping.Find("name") is { Value: YamlScalar { IsNull: false } single } nameEntry)
        {
            var wrapped = nameEntry with { Value = new YamlSequence(single.Span, null, [single]) };
            mapping = new YamlMapping(mapping.Span, mapping.Tag, [.. mapping.Entries.Select(e => ReferenceEquals(e, nameEntry) ? wrapped : e)]);
        }

        var spec = (GpuSpec?)BindObject(typeof(GpuSpec), mapping, path);
        if (spec is null)
        {
            return null;
        }

        if (spec.Name is { } names)
        {
            spec = spec with { Name = GpuSpecParser.StripTpuPrefix(names, warnings) };
        }

        return spec;
    }

    /// <summary>The vendor in the object form: any case, and <c>tpu</c> for Google, as dstack reads it.</summary>
    private GpuVendor? ReadGpuVendor(YamlNode node, string path)
    {
        if (node is not YamlScalar { Kind: ScalarKind.String } scalar)
        {
            WrongType(node, path, "a vendor: nvidia, amd, google (tpu) or intel");
            return null;
        }

        return GpuSpecParser.TryVendor(scalar.Value, out var vendor)
            ? vendor
            : throw ValueException.Error(
                DiagnosticCodes.InvalidGpuVendor,
                $"'{scalar.Value}' is not a valid AcceleratorVendor; write nvidia, amd, google (or tpu) or intel");
    }

    private DiskSpec? ReadDisk(YamlNode node, string path)
    {
        if (node is YamlMapping mapping)
        {
            return (DiskSpec?)BindObject(typeof(DiskSpec), mapping, path);
        }

        var size = ReadMemoryRange(node, path);
        return size is null ? null : new DiskSpec { Size = size };
    }

    private ComputeCapability? ReadComputeCapability(YamlNode node, string path)
    {
        switch (node)
        {
            case YamlScalar { Kind: ScalarKind.Int } scalar:
                // dstack reads a float as str(float) and a list as it is, and has no rule for an integer.
                throw ValueException.Error(
                    DiagnosticCodes.InvalidComputeCapability,
                    $"Invalid compute capability: {scalar.Value} (YAML reads it as an integer, which dstack rejects); write MAJOR.MINOR, such as {scalar.Value}.0");
            case YamlScalar { Kind: ScalarKind.Float } scalar when scalar.TryGetDouble(out var f):
                var asPython = PythonNumber.FloatRepr(f);
                if (asPython != scalar.Value)
                {
                    _diagnostics.Warning(DiagnosticCodes.Yaml11Trap, scalar.Span, $"{path}: YAML reads `{scalar.Value}` as the number {asPython}, so this means {asPython}; quote it (\"{scalar.Value}\") if you meant that text");
                }

                return ComputeCapability.Parse(asPython);
            case YamlScalar { Kind: ScalarKind.String } scalar:
                return ComputeCapability.Parse(scalar.Value);
            case YamlSequence sequence:
                return ComputeCapability.FromParts([.. sequence.Items.Select(i => (i as YamlScalar)?.Value ?? "?")], $"[{string.Join(", ", sequence.Items.Select(i => (i as YamlScalar)?.Value ?? "?"))}]");
            default:
                WrongType(node, path, "a compute capability such as 8.0");
                return null;
        }
    }
}
