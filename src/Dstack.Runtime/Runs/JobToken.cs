using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Dstack.Runtime.Processes;
using Dstack.Runtime.State;

namespace Dstack.Runtime.Runs;

/// <summary>
/// The value of <see cref="JobProcess.TokenVariable"/> for one job: unique to this machine, state folder, run and
/// rank, and derived from them, so whoever looks after a run (its controller, or <c>dstack stop</c> and <c>dstack ps</c>
/// when the controller is gone) finds the job's processes without storing anything more.
/// </summary>
public static class JobToken
{
    public static string For(DstackHome home, RunRecord run, int rank)
    {
        // The state folder however it is spelled (a trailing '/', a link to it): the controller and a later `dstack stop`
        // must compute the same token.
        var root = Snapshots.RealPath.Of(home.Root);
        var text = $"{System.Environment.MachineName}\n{root}\n{run.Id.ToString(CultureInfo.InvariantCulture)}\n{rank.ToString(CultureInfo.InvariantCulture)}";
        return $"{run.Name}-{Hashing.ShortHash.HexOf(text)[..16]}";
    }

    /// <summary>Adds the token of job <paramref name="rank"/> to <paramref name="environment"/> (it wins over a user's variable of the same name).</summary>
    public static Dictionary<string, string> Mark(Dictionary<string, string> environment, DstackHome home, RunRecord run, int rank)
    {
        environment[JobProcess.TokenVariable] = For(home, run, rank);
        return environment;
    }
}
