using System.Globalization;
using Dstack.Runtime.Planning;
using Dstack.Runtime.Resources;

namespace Dstack.Runtime.Backends.Gcp;

/// <summary>
/// The Compute Engine offer catalog shipped with the tool (<c>Catalog/gce-catalog.csv</c>, embedded in this assembly):
/// machine types with their GPUs per region, when its facts were taken, and where from. Read once, on first use; a file
/// that cannot be read is a bug of the build (a test reads it), so reading it never fails quietly.
/// </summary>
public sealed class GcpCatalog
{
    /// <summary>The columns of the file, in order.</summary>
    public const string Header = "instance,accelerator,location,zones,price,spot_price,cpu,memory_gb,gpu_count,gpu_name,gpu_memory_gb,gpu_vendor";

    private const string ResourceName = "Dstack.Runtime.Backends.Gcp.Catalog.gce-catalog.csv";

    private static readonly Lazy<GcpCatalog> ShippedCatalog = new(LoadShipped);

    private GcpCatalog(IReadOnlyList<GcpCatalogRow> rows, DateOnly date, string source)
    {
        Rows = rows;
        Date = date;
        Source = source;
    }

    /// <summary>The catalog shipped with the tool.</summary>
    public static GcpCatalog Shipped => ShippedCatalog.Value;

    /// <summary>Every row, in the file's order.</summary>
    public IReadOnlyList<GcpCatalogRow> Rows { get; }

    /// <summary>The day the facts were taken (the header's <c># date:</c> line).</summary>
    public DateOnly Date { get; }

    /// <summary>Where the facts come from (the header's <c># source:</c> line and the indented lines that continue it).</summary>
    public string Source { get; }

    /// <summary>Reads a catalog file: <c>#</c> comment lines (with <c># date:</c> and <c># source:</c>), the header, then rows.</summary>
    /// <exception cref="FormatException">A line is not a well-formed row, the header is not <see cref="Header"/>, or the date or source is missing.</exception>
    public static GcpCatalog Parse(string text)
    {
        var rows = new List<GcpCatalogRow>(256);
        DateOnly? date = null;
        string? source = null;
        var inSource = false;
        var headerSeen = false;
        var lineNumber = 0;
        foreach (var raw in text.Split('\n'))
        {
            lineNumber++;
            var line = raw.TrimEnd();
            if (line.Length == 0)
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

                if (comment.StartsWith("source:", StringComparison.Ordinal))
                {
                    source = comment["source:".Length..].Trim();
                    inSource = true;
                }
                else if (inSource && line.StartsWith("#  ", StringComparison.Ordinal))
                {
                    source += " " + comment;
                }
                else
                {
                    inSource = false;
                }

                continue;
            }

            if (!headerSeen)
            {
                headerSeen = line == Header ? true : throw new FormatException($"line {lineNumber}: the header must be `{Header}`");
                continue;
            }

            rows.Add(ParseRow(line, lineNumber));
        }

        if (!headerSeen)
        {
            throw new FormatException($"the catalog has no header `{Header}`");
        }

        return new GcpCatalog(
            rows,
            date ?? throw new FormatException("the catalog's header comments have no `# date: YYYY-MM-DD` line"),
            source ?? throw new FormatException("the catalog's header comments have no `# source:` line"));
    }

    private static GcpCatalogRow ParseRow(string line, int lineNumber)
    {
        var f = line.Split(',');
        if (f.Length != 12)
        {
            throw new FormatException($"line {lineNumber}: a row has 12 fields ({Header})");
        }

        var instance = Name(f[0], "instance", lineNumber);
        var region = Name(f[2], "location", lineNumber);
        var zones = f[3].Split('|');
        if (zones.Any(z => z.Length != 1 || z[0] is < 'a' or > 'z'))
        {
            throw new FormatException($"line {lineNumber}: zones must be zone letters joined by |, such as a|b|c");
        }

        var price = Money(f[4], "price", lineNumber);
        var spot = Money(f[5], "spot_price", lineNumber);
        var cpus = Count(f[6], "cpu", lineNumber);
        var memory = Size(f[7], "memory_gb", lineNumber);
        var gpuCount = Count(f[8], "gpu_count", lineNumber);
        var gpuMemory = Size(f[10], "gpu_memory_gb", lineNumber);
        if (cpus == 0 || memory <= 0 || price <= 0 || spot <= 0)
        {
            throw new FormatException($"line {lineNumber}: cpu, memory_gb, price and spot_price must be above 0");
        }

        if ((gpuCount > 0) != (f[9].Length > 0) || (gpuCount > 0) != (f[11].Length > 0) || (gpuCount > 0) != (gpuMemory > 0) || (f[1].Length > 0 && gpuCount == 0))
        {
            throw new FormatException($"line {lineNumber}: a row with GPUs has gpu_name, gpu_memory_gb and gpu_vendor; one without has none, and no accelerator");
        }

        MachineGpu[] gpus = [];
        if (gpuCount > 0)
        {
            if (f[11] != "nvidia")
            {
                throw new FormatException($"line {lineNumber}: gpu_vendor must be nvidia, not `{f[11]}` (Compute Engine's GPUs are NVIDIA's)");
            }

            var gpu = new MachineGpu(f[9], GpuVendor.Nvidia, new Memory(gpuMemory), GpuCatalog.Find(f[9])?.ComputeCapability);
            gpus = new MachineGpu[gpuCount];
            Array.Fill(gpus, gpu);
        }

        return new GcpCatalogRow(instance, f[1], region, [.. zones.Select(z => $"{region}-{z}")], price, spot, cpus, memory, gpus);
    }

    private static string Name(string field, string column, int lineNumber) =>
        field.Length > 0 && !field.Contains(' ', StringComparison.Ordinal) && !field.Contains('"', StringComparison.Ordinal)
            ? field
            : throw new FormatException($"line {lineNumber}: {column} must be a name without spaces or quotes");

    private static decimal Money(string field, string column, int lineNumber) =>
        decimal.TryParse(field, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new FormatException($"line {lineNumber}: {column} must be dollars per hour, such as 0.70683");

    private static int Count(string field, string column, int lineNumber) =>
        int.TryParse(field, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new FormatException($"line {lineNumber}: {column} must be a whole number");

    private static double Size(string field, string column, int lineNumber) =>
        double.TryParse(field, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new FormatException($"line {lineNumber}: {column} must be a size in GB, such as 24");

    private static GcpCatalog LoadShipped()
    {
        using var stream = typeof(GcpCatalog).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"the build did not embed {ResourceName}");
        using var reader = new StreamReader(stream);
        return Parse(reader.ReadToEnd());
    }
}
