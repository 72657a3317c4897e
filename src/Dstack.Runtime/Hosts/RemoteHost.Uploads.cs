using System.Formats.Tar;
using Dstack.Runtime.Backends.Ssh;
using Dstack.Runtime.Runs;

namespace Dstack.Runtime.Hosts;

/// <summary>Files sent to a job's host beside its code: a workflow's cache before it starts, its deps' artifacts.</summary>
public sealed partial class RemoteHost
{
    public async Task UploadAsync(int rank, string source, string path, bool readOnly, CancellationToken cancellationToken)
    {
        if (Connect() is { } problem)
        {
            throw new JobCodeException(problem.Code, problem.Message);
        }

        if (!path.StartsWith('/') && path.Split('/').Contains(".."))
        {
            throw new JobCodeException(Diagnostics.DiagnosticCodes.InvalidOption, $"{path}: the path leaves the job's code folder; name a path inside it, under ~, or an absolute one");
        }

        var trimmed = path.TrimEnd('/');
        var target = trimmed.StartsWith('/') ? ShellQuote.Quote(trimmed)
            : trimmed.StartsWith("~/", StringComparison.Ordinal) ? $"\"$HOME\"/{ShellQuote.Quote(trimmed[2..])}"
            : $"{RemoteJobFolder.For(_context.Home, _context.Run, rank).Path}/code/{ShellQuote.Quote(trimmed)}";
        var isFolder = Directory.Exists(source);

        // A folder is unpacked into the target; a file into the target's folder under the target's name.
        var into = isFolder ? target : $"\"$(dirname {target})\"";
        var protect = readOnly ? $" && find {target} -type f -exec chmod a-w {{}} +" : string.Empty;
        var command = $"mkdir -p {into} && tar -xf - -C {into}{protect}";
        using var process = Connection.Start(command, withInput: true);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        IOException? failed = null;
        try
        {
            await using (var input = process.StandardInput.BaseStream)
            {
                if (isFolder)
                {
                    await TarFile.CreateFromDirectoryAsync(source, input, includeBaseDirectory: false, cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    await using var writer = new TarWriter(input, TarEntryFormat.Pax, leaveOpen: true);
                    await writer.WriteEntryAsync(source, Path.GetFileName(trimmed), cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (IOException e)
        {
            failed = e;
        }

        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        var said = (await errors.ConfigureAwait(false)).Trim();
        if (process.ExitCode != 0 || failed is not null)
        {
            var why = process.ExitCode != 0 && said.Length > 0 ? said.Split('\n')[0] : failed?.Message ?? $"tar exited with code {process.ExitCode}";
            throw new JobCodeException(Diagnostics.DiagnosticCodes.CodeUploadFailed, $"{source} could not be copied to {path} on {Name} (job {rank}): {why}");
        }
    }
}
