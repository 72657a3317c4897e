using System.Runtime.InteropServices;

namespace Dstack.Runtime.Snapshots;

/// <summary>
/// Tells regular files from special ones (FIFOs, sockets, devices) without opening anything. .NET's own file APIs
/// cannot: a FIFO and a socket look like empty regular files to <see cref="FileInfo"/>, and opening a FIFO blocks
/// until a writer comes. So the type bits come from lstat(2), through the runtime's own native shim
/// (<c>SystemNative_LStat</c>, whose status starts with two 32-bit fields, flags then mode, on every platform).
/// </summary>
internal static partial class EntryKinds
{
    // The shim's mode uses these portable values whatever the platform's own are.
    private const int TypeMask = 0xF000;
    private const int FifoType = 0x1000;
    private const int CharacterDeviceType = 0x2000;
    private const int FolderType = 0x4000;
    private const int BlockDeviceType = 0x6000;
    private const int FileType = 0x8000;
    private const int LinkType = 0xA000;
    private const int SocketType = 0xC000;

    private static bool nativeMissing = OperatingSystem.IsWindows();

    /// <summary>What <paramref name="fullPath"/> is, not following a symbolic link there.</summary>
    public static EntryKind Of(string fullPath)
    {
        if (!Volatile.Read(ref nativeMissing))
        {
            try
            {
                return LStat(fullPath, out var status) != 0 ? EntryKind.Missing : (status.Mode & TypeMask) switch
                {
                    FileType => EntryKind.File,
                    FolderType => EntryKind.Folder,
                    LinkType => EntryKind.Link,
                    FifoType => EntryKind.Fifo,
                    SocketType => EntryKind.Socket,
                    CharacterDeviceType => EntryKind.CharacterDevice,
                    BlockDeviceType => EntryKind.BlockDevice,
                    _ => EntryKind.Missing,
                };
            }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
            {
                Volatile.Write(ref nativeMissing, true);
            }
        }

        // Windows (no such files) or a runtime without the shim: what .NET can see.
        var info = new FileInfo(fullPath);
        return info.LinkTarget is not null ? EntryKind.Link
            : info.Exists ? EntryKind.File
            : Directory.Exists(fullPath) ? EntryKind.Folder
            : EntryKind.Missing;
    }

    /// <summary>True for FIFOs, sockets and devices: what is never opened, copied or uploaded.</summary>
    public static bool IsSpecial(this EntryKind kind) => kind is EntryKind.Fifo or EntryKind.Socket or EntryKind.CharacterDevice or EntryKind.BlockDevice;

    /// <summary>The kind in a user's words, for the log: "FIFO", "socket", "character device", "block device".</summary>
    public static string Describe(this EntryKind kind) => kind switch
    {
        EntryKind.Fifo => "FIFO",
        EntryKind.Socket => "socket",
        EntryKind.CharacterDevice => "character device",
        EntryKind.BlockDevice => "block device",
        EntryKind.Link => "symbolic link",
        EntryKind.Folder => "folder",
        EntryKind.File => "file",
        _ => "missing",
    };

    [LibraryImport("libSystem.Native", EntryPoint = "SystemNative_LStat", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int LStat(string path, out NativeStatus status);

    /// <summary>The shim's file status: only the mode is read; the size leaves room for every field of every version.</summary>
    [StructLayout(LayoutKind.Sequential, Size = 256)]
    private struct NativeStatus
    {
        public int Flags;
        public int Mode;
    }
}
