using System.Runtime.InteropServices;

namespace DirectLB.Host.Hosting;

/// <summary>What the small commands (<c>simulate-cloud</c>, <c>lb-agent</c>) wait on: Ctrl-C or SIGTERM (a process supervisor, a test).</summary>
public static class StopSignals
{
    public static async Task WaitAsync()
    {
        var stop = new TaskCompletionSource();
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
        using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
        await stop.Task;

        void Stop(PosixSignalContext context)
        {
            context.Cancel = true;
            stop.TrySetResult();
        }
    }
}
