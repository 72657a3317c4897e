using Dstack.Runtime.Backends.Local;

namespace Dstack.Runtime.Tests.Backends.Local;

[Trait("Category", "Fast")]
public sealed class LocalMachineTests
{
    [Fact]
    public void Detect_ThisMachine_ReportsItsRealCoresMemoryAndDisk()
    {
        var machine = LocalMachine.Detect(Path.GetTempPath());

        Assert.Equal(Environment.ProcessorCount, machine.Cpus);
        var meminfo = File.ReadLines("/proc/meminfo").First(l => l.StartsWith("MemTotal:", StringComparison.Ordinal));
        var kib = long.Parse(meminfo.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(kib / 1024.0 / 1024.0, machine.Memory.Gigabytes, precision: 6);
        Assert.True(machine.Disk.Gigabytes > 0);
    }
}
