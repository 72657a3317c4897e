using System.Globalization;
using System.Numerics;
using Dstack.Runtime.Planning;
using Dstack.Runtime.Resources;

namespace Dstack.Runtime.Backends.Azure;

/// <summary>
/// The Azure VM size catalog shipped with the tool (<c>Catalog/azure-catalog.csv</c>, embedded in this assembly): the
/// sizes with GPUs (and a few without) per region, when its facts were taken, and where from. Read once, on first use;
/// a file that cannot be read is a bug of the build (a test reads it), so reading it never fails quietly.
/// </summary>
public sealed class AzureCatalog
{
    /// <summary>The columns of the file, in order (the EC2 catalog's).</summary>
    public const string Header = "instance,location,price,spot_price,cpu,memory_gb,gpu_count,gpu_name,gpu_memory_gb,gpu_vendor,disk_gb";

    private const string ResourceName = "Dstack.Runtime.Backends.Azure.Catalog.azure-catalog.csv";

    private static readonly Lazy<AzureCatalog> ShippedCatalog = new(LoadShipped);

    private AzureCatalog(IReadOnlyList<AzureCatalogRow> rows, DateOnly date, string source)
    {
        Rows = rows;
        Date = date;
        Source = source;
    }

    /// <summary>The catalog shipped with the tool.</summary>
    public static AzureCatalog Shipped => ShippedCatalog.Value;

    /// <summary>Every row, in the file's order.</summary>
    public IReadOnlyList<AzureCatalogRow> Rows { get; }

    /// <summary>The day the facts were taken (the <c># date:</c> line).</summary>
    public DateOnly Date { get; }

    /// <summary>Where the facts come from (the <c># source:</c> line and its indented continuation lines).</summary>
    public string Source { get; }

    /// <summary>Reads a catalog file: <c>#</c> comment lines (with <c># date:</c> and <c># source:</c>), the header, then rows.</summary>
    /// <exception cref="FormatException">A row is malformed, the header is not <see cref="Header"/>, or the date or source is missing.</exception>
    public static AzureCatalog Parse(string text)
    {
        var rows = new List<AzureCatalogRow>();
        DateOnly? date = null;
        string? source = null;
        var inSource = false;
        var headerSeen = false;
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].TrimEnd();
            var number = i + 1;
            if (line.Length == 0)
            {
                continue;
            }

            if (line[0] == '#')
            {
                var comment = line[1..].Trim();
                if (comment.StartsWith("date:", StringComparison.Ordinal))
                {
                    date = DateOnly.TryParseExact(comment["date:".Length..].Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
                        ? day
                        : throw new FormatException($"line {number}: the date must be YYYY-MM-DD");
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
                headerSeen = line == Header ? true : throw new FormatException($"line {number}: the header must be `{Header}`");
                continue;
            }

            rows.Add(ParseRow(line, number));
        }

        if (!headerSeen)
        {
            throw new FormatException($"the catalog has no header `{Header}`");
        }

        return new AzureCatalog(
            rows,
            date ?? throw new FormatException("the catalog's header comments have no `# date: YYYY-MM-DD` line"),
            source ?? throw new FormatException("the catalog's header comments have no `# source:` line"));
    }

    private static AzureCatalogRow ParseRow(string line, int number)
    {
        var f = line.Split(',');
        if (f.Length != 11)
        {
            throw new FormatException($"line {number}: a row has 11 fields ({Header})");
        }

        if (f[0].Length == 0 || f[1].Length == 0 || f[0].Contains(' ', StringComparison.Ordinal) || f[1].Contains(' ', StringComparison.Ordinal))
        {
            throw new FormatException($"line {number}: instance and location must be names without spaces");
        }

        var price = Number<decimal>(f[2], "price", number);
        var spot = Number<decimal>(f[3], "spot_price", number);
        var cpus = Number<int>(f[4], "cpu", number);
        var memory = Number<double>(f[5], "memory_gb", number);
        var gpuCount = Number<int>(f[6], "gpu_count", number);
        var gpuMemory = Number<double>(f[8], "gpu_memory_gb", number);
        var disk = Number<double>(f[10], "disk_gb", number);
        if (cpus <= 0 || memory <= 0 || price <= 0 || spot <= 0)
        {
            throw new FormatException($"line {number}: cpu, memory_gb, price and spot_price must be above 0");
        }

        if ((gpuCount > 0) != (f[7].Length > 0) || (gpuCount > 0) != (gpuMemory > 0) || (gpuCount > 0) != (f[9] == "nvidia") || (gpuCount == 0 && f[9].Length > 0))
        {
            throw new FormatException($"line {number}: a row with GPUs has gpu_name, gpu_memory_gb and gpu_vendor nvidia; one without has none");
        }

        var gpus = new MachineGpu[gpuCount];
        Array.Fill(gpus, new MachineGpu(f[7], GpuVendor.Nvidia, new Memory(gpuMemory), GpuCatalog.Find(f[7])?.ComputeCapability));
        return new AzureCatalogRow(f[0], f[1], price, spot, cpus, memory, gpus, disk);
    }

    private static T Number<T>(string field, string column, int number)
        where T : struct, INumber<T> =>
        T.TryParse(field, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) && value >= T.Zero
            ? value
            : throw new FormatException($"line {number}: {column} must be a number, not `{field}`");

    private static AzureCatalog LoadShipped()
    {
        using var stream = typeof(AzureCatalog).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"the build did not embed {ResourceName}");
        using var reader = new StreamReader(stream);
        return Parse(reader.ReadToEnd());
    }
}
