using System.Globalization;
using Dstack.Runtime.Planning;
using Dstack.Runtime.Resources;

namespace Dstack.Runtime.Backends.Aws;

/// <summary>
/// The EC2 offer catalog shipped with the tool (<c>Catalog/ec2-catalog.csv</c>, embedded in this assembly): every
/// instance type and region it lists, when its facts were taken, and where from. The shipped file is read once, on
/// first use; a file that cannot be read is a bug of the build (a test reads it), so reading it never fails quietly.
/// </summary>
public sealed class AwsCatalog
{
    /// <summary>The columns of the file, in order (modelled on gpuhunt's catalog).</summary>
    public const string Header = "instance,location,price,spot_price,cpu,memory_gb,gpu_count,gpu_name,gpu_memory_gb,gpu_vendor,disk_gb";

    private const string ResourceName = "Dstack.Runtime.Backends.Aws.Catalog.ec2-catalog.csv";

    private static readonly Lazy<AwsCatalog> ShippedCatalog = new(LoadShipped);

    private AwsCatalog(IReadOnlyList<AwsCatalogRow> rows, DateOnly date, string source)
    {
        Rows = rows;
        Date = date;
        Source = source;
    }

    /// <summary>The catalog shipped with the tool.</summary>
    public static AwsCatalog Shipped => ShippedCatalog.Value;

    /// <summary>Every row, in the file's order.</summary>
    public IReadOnlyList<AwsCatalogRow> Rows { get; }

    /// <summary>The day the facts were taken (the header's <c># date:</c> line).</summary>
    public DateOnly Date { get; }

    /// <summary>Where the facts come from (the header's <c># source:</c> line and the lines that continue it).</summary>
    public string Source { get; }

    /// <summary>Reads a catalog file: <c>#</c> comment lines (with <c># date:</c> and <c># source:</c>), the header, then rows.</summary>
    /// <exception cref="FormatException">A line is not a well-formed row, the header is not <see cref="Header"/>, or the date or source is missing.</exception>
    public static AwsCatalog Parse(string text)
    {
        var rows = new List<AwsCatalogRow>(512);
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        DateOnly? date = null;
        string? source = null;
        var inSource = false;
        var headerSeen = false;
        var lineNumber = 0;
        Span<System.Range> fields = stackalloc System.Range[12];
        foreach (var rawLine in text.AsSpan().EnumerateLines())
        {
            lineNumber++;
            var line = rawLine.TrimEnd();
            if (line.IsEmpty)
            {
                continue;
            }

            if (line[0] == '#')
            {
                var comment = line[1..].Trim();
                if (comment.StartsWith("date:", StringComparison.Ordinal))
                {
                    date = DateOnly.ParseExact(comment["date:".Length..].Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture);
                }

                // A source continues on indented comment lines until the next "name:" line.
                var continues = inSource && line.Length > 2 && line[1] == ' ' && line[2] == ' ';
                if (comment.StartsWith("source:", StringComparison.Ordinal))
                {
                    source = comment["source:".Length..].Trim().ToString();
                    inSource = true;
                }
                else if (continues)
                {
                    source += " " + comment.ToString();
                }
                else
                {
                    inSource = false;
                }

                continue;
            }

            if (!headerSeen)
            {
                if (!line.SequenceEqual(Header))
                {
                    throw new FormatException($"line {lineNumber}: the header must be `{Header}`");
                }

                headerSeen = true;
                continue;
            }

            rows.Add(ParseRow(line, fields, names, lineNumber));
        }

        if (!headerSeen)
        {
            throw new FormatException($"the catalog has no header `{Header}`");
        }

        return new AwsCatalog(
            rows,
            date ?? throw new FormatException("the catalog's header comments have no `# date: YYYY-MM-DD` line"),
            source ?? throw new FormatException("the catalog's header comments have no `# source:` line"));
    }

    private static AwsCatalogRow ParseRow(ReadOnlySpan<char> line, Span<System.Range> fields, Dictionary<string, string> names, int lineNumber)
    {
        if (line.Split(fields, ',') != 11)
        {
            throw new FormatException($"line {lineNumber}: a row has 11 fields ({Header})");
        }

        var instance = Name(line[fields[0]], names, "instance", lineNumber);
        var region = Name(line[fields[1]], names, "location", lineNumber);
        var price = Money(line[fields[2]], "price", lineNumber);
        var spot = Money(line[fields[3]], "spot_price", lineNumber);
        var cpus = Count(line[fields[4]], "cpu", lineNumber);
        var memory = Size(line[fields[5]], "memory_gb", lineNumber);
        var gpuCount = Count(line[fields[6]], "gpu_count", lineNumber);
        var gpuName = line[fields[7]].IsEmpty ? string.Empty : Name(line[fields[7]], names, "gpu_name", lineNumber);
        var gpuMemory = Size(line[fields[8]], "gpu_memory_gb", lineNumber);
        var vendor = line[fields[9]].IsEmpty ? string.Empty : Name(line[fields[9]], names, "gpu_vendor", lineNumber);
        var disk = Size(line[fields[10]], "disk_gb", lineNumber);
        if (cpus == 0 || memory <= 0 || price <= 0 || spot <= 0)
        {
            throw new FormatException($"line {lineNumber}: cpu, memory_gb, price and spot_price must be above 0");
        }

        if ((gpuCount > 0) != (gpuName.Length > 0) || (gpuCount > 0) != (vendor.Length > 0) || (gpuCount > 0) != (gpuMemory > 0))
        {
            throw new FormatException($"line {lineNumber}: a row with accelerators has gpu_name, gpu_memory_gb and gpu_vendor; one without has none");
        }

        var row = new AwsCatalogRow(instance, region, price, spot, cpus, memory, gpuCount, gpuName, gpuMemory, vendor, disk);
        return gpuCount == 0 || row.AwsAccelerators ? row : row with { Gpus = GpusOf(row, lineNumber) };
    }

    private static MachineGpu[] GpusOf(AwsCatalogRow row, int lineNumber)
    {
        GpuVendor vendor = row.GpuVendor switch
        {
            "nvidia" => GpuVendor.Nvidia,
            "amd" => GpuVendor.Amd,
            _ => throw new FormatException($"line {lineNumber}: gpu_vendor must be nvidia, amd or aws, not `{row.GpuVendor}`"),
        };
        var known = GpuCatalog.Find(row.GpuName);
        var gpu = new MachineGpu(row.GpuName, vendor, new Memory(row.GpuMemoryGb), known?.ComputeCapability);
        var gpus = new MachineGpu[row.GpuCount];
        Array.Fill(gpus, gpu);
        return gpus;
    }

    private static string Name(ReadOnlySpan<char> field, Dictionary<string, string> names, string column, int lineNumber)
    {
        if (field.IsEmpty || field.ContainsAny(' ', '"'))
        {
            throw new FormatException($"line {lineNumber}: {column} must be a name without spaces or quotes");
        }

        var lookup = names.GetAlternateLookup<ReadOnlySpan<char>>();
        if (!lookup.TryGetValue(field, out var name))
        {
            name = field.ToString();
            names.Add(name, name);
        }

        return name;
    }

    private static decimal Money(ReadOnlySpan<char> field, string column, int lineNumber) =>
        decimal.TryParse(field, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new FormatException($"line {lineNumber}: {column} must be dollars per hour, such as 1.006");

    private static int Count(ReadOnlySpan<char> field, string column, int lineNumber) =>
        int.TryParse(field, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new FormatException($"line {lineNumber}: {column} must be a whole number");

    private static double Size(ReadOnlySpan<char> field, string column, int lineNumber) =>
        double.TryParse(field, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new FormatException($"line {lineNumber}: {column} must be a size in GB, such as 24");

    private static AwsCatalog LoadShipped()
    {
        using var stream = typeof(AwsCatalog).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"the build did not embed {ResourceName}");
        using var reader = new StreamReader(stream);
        return Parse(reader.ReadToEnd());
    }
}
