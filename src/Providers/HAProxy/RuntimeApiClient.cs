using System.Net.Sockets;
using System.Text;

namespace DirectLB.Providers.HAProxy;

/// <summary>
/// Speaks HAProxy's CLI (the runtime API on a stats socket, or the master CLI) over a Unix socket.
/// One command per connection: HAProxy answers and closes in non-interactive mode, so there is no
/// prompt parsing and no session state to lose when HAProxy reloads or restarts between two calls.
/// </summary>
public sealed class RuntimeApiClient(string socketPath, TimeSpan? timeout = null)
{
    private readonly TimeSpan _timeout = timeout ?? TimeSpan.FromSeconds(10);

    public string SocketPath => socketPath;

    /// <summary>Sends <paramref name="command"/> and returns HAProxy's whole answer, whatever it says.</summary>
    /// <exception cref="ProviderException">The socket cannot be reached or does not answer in time (retryable).</exception>
    public async Task<string> SendAsync(string command, CancellationToken cancellationToken)
    {
        if (command.Contains('\n'))
        {
            throw new ArgumentException($"a runtime API command is one line: '{command}'", nameof(command));
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_timeout);
        try
        {
            using var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), timeout.Token);
            await socket.SendAsync(Encoding.ASCII.GetBytes(command + "\n"), SocketFlags.None, timeout.Token);

            // Half-closing tells the master CLI the input is complete; without it the master waits for more.
            socket.Shutdown(SocketShutdown.Send);
            return await ReadToEndAsync(socket, timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new ProviderException($"HAProxy socket {socketPath} did not answer '{command}' within {_timeout.TotalSeconds:0.#} s");
        }
        catch (SocketException e)
        {
            throw new ProviderException($"HAProxy socket {socketPath} refused '{command}': {e.Message}", inner: e);
        }
    }

    /// <summary>
    /// Sends <paramref name="command"/> and returns the answer when <paramref name="succeeded"/> accepts it.
    /// The CLI has no status codes, so each caller says what success looks like for its command.
    /// </summary>
    /// <exception cref="ProviderException">The answer is an error; the message carries command and answer.</exception>
    public async Task<string> ExecuteAsync(string command, Func<string, bool> succeeded, CancellationToken cancellationToken, bool retryable = true)
    {
        var answer = await SendAsync(command, cancellationToken);
        return succeeded(answer.Trim())
            ? answer
            : throw new ProviderException($"HAProxy refused '{command}': {OneLine(answer)}", retryable);
    }

    /// <summary>Runs a command whose success is an empty answer (set, enable, shutdown ...).</summary>
    public Task<string> ExecuteSilentAsync(string command, CancellationToken cancellationToken) =>
        ExecuteAsync(command, answer => answer.Length == 0, cancellationToken);

    /// <summary>The answer squeezed onto one line, for exception messages and logs.</summary>
    public static string OneLine(string answer)
    {
        var trimmed = answer.Trim().ReplaceLineEndings(" | ");
        return trimmed.Length == 0 ? "(empty answer)" : trimmed;
    }

    private static async Task<string> ReadToEndAsync(Socket socket, CancellationToken cancellationToken)
    {
        // Collect bytes and decode once, so a character split across two reads is not mangled.
        using var answer = new MemoryStream();
        var buffer = new byte[16 * 1024];
        int read;
        while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken)) > 0)
        {
            answer.Write(buffer, 0, read);
        }

        return Encoding.UTF8.GetString(answer.GetBuffer(), 0, (int)answer.Length);
    }
}
