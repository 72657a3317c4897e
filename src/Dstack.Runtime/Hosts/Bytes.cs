using System.Globalization;

namespace Dstack.Runtime.Hosts;

/// <summary>Sizes and shares as the run's log and the CLI's tables write them.</summary>
public static class Bytes
{
    public static string Format(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => $"{bytes / 1024.0:0.#} KB",
        < 1024L * 1024 * 1024 => $"{bytes / 1024.0 / 1024.0:0.#} MB",
        _ => $"{bytes / 1024.0 / 1024.0 / 1024.0:0.##} GB",
    };

    public static string Percent(long part, long total) => total <= 0 ? "100%" : (part * 100 / total).ToString(CultureInfo.InvariantCulture) + "%";
}
