using Dstack.Runtime.Planning;
using Dstack.Runtime.Processes;
using Dstack.Runtime.Resources;

namespace Dstack.Runtime.Backends.Local;

/// <summary>
/// Reads the resources of the machine this process runs on: cores, RAM (<c>/proc/meminfo</c>), the free disk of
/// the folder jobs run in, and NVIDIA GPUs through <c>nvidia-smi</c> when it is installed (read by
/// <see cref="HardwareReport"/>, as an SSH host's are).
/// </summary>
public static class LocalMachine
{
    public static MachineResources Detect(string workFolder)
    {
        return new MachineResources(Environment.ProcessorCount, TotalMemory(), FreeDisk(workFolder), HardwareReport.NvidiaGpus(RunNvidiaSmi()));
    }

    private static Memory TotalMemory()
    {
        try
        {
            if (HardwareReport.MemTotal(File.ReadLines("/proc/meminfo")) is { } total)
            {
                return total;
            }
        }
        catch (IOException)
        {
        }

        return new Memory(GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 1024.0 / 1024.0 / 1024.0);
    }

    private static Memory FreeDisk(string folder)
    {
        try
        {
            // The state folder may not exist yet: measure the nearest folder that does.
            var existing = Path.GetFullPath(folder);
            while (!Directory.Exists(existing) && Path.GetDirectoryName(existing) is { } parent)
            {
                existing = parent;
            }

            return new Memory(new DriveInfo(existing).AvailableFreeSpace / 1024.0 / 1024.0 / 1024.0);
        }
        catch (Exception e) when (e is IOException or ArgumentException or UnauthorizedAccessException)
        {
            return new Memory(0);
        }
    }

    private static string? RunNvidiaSmi() =>
        ProgramOutput.TryRun("nvidia-smi", ["--query-gpu=name,memory.total,compute_cap", "--format=csv,noheader,nounits"], TimeSpan.FromSeconds(10));
}
