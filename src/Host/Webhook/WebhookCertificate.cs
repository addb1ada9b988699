using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace DirectLB.Host.Webhook;

/// <summary>
/// The webhook's TLS certificate and key, PEM files mounted from a Secret. cert-manager (or a new Helm release)
/// replaces them while DirectLB runs, so at a TLS handshake, at most once per <see cref="CheckInterval"/>, the files
/// are read again; a new pair is served from the next handshake on. A pair that does not load (half written, key
/// not matching) is logged and the last good one stays.
/// </summary>
public sealed class WebhookCertificate(string certFile, string keyFile, TimeProvider time, ILogger<WebhookCertificate> log) : IDisposable
{
    public static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(1);

    private readonly Lock _gate = new();
    private X509Certificate2? _current;
    private byte[] _seenPem = [];
    private string? _lastProblem;
    private DateTimeOffset _checkedAt = DateTimeOffset.MinValue;

    /// <summary>The certificate to present; null while no pair has loaded yet (the handshake then fails).</summary>
    public X509Certificate2? Current()
    {
        lock (_gate)
        {
            var now = time.GetUtcNow();
            if (now - _checkedAt >= CheckInterval)
            {
                _checkedAt = now;
                Reload();
            }

            return _current;
        }
    }

    private void Reload()
    {
        byte[] pem;
        try
        {
            pem = [.. File.ReadAllBytes(certFile), .. File.ReadAllBytes(keyFile)];
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            Problem($"cannot read {certFile} or {keyFile} ({ex.Message})");
            return;
        }

        if (pem.AsSpan().SequenceEqual(_seenPem))
        {
            return; // unchanged, whether it loaded or not: a bad pair is reported once
        }

        _seenPem = pem;
        try
        {
            using var fromPem = X509Certificate2.CreateFromPemFile(certFile, keyFile);
            // Exported and loaded again: TLS wants the private key held by the certificate, not an ephemeral one.
            var loaded = X509CertificateLoader.LoadPkcs12(fromPem.Export(X509ContentType.Pkcs12), null);
            var previous = _current;
            _current = loaded;
            _lastProblem = null;
            log.LogInformation("webhook certificate loaded from {CertFile}: {Subject}, valid until {NotAfter:u}", certFile, loaded.Subject, loaded.NotAfter.ToUniversalTime());
            // Not disposed at once: a handshake on another thread may still be using it.
            _ = Task.Delay(TimeSpan.FromMinutes(1)).ContinueWith(_ => previous?.Dispose(), TaskScheduler.Default);
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            Problem($"{certFile} and {keyFile} do not load as a PEM certificate and its key ({ex.Message})");
        }
    }

    /// <summary>Logs a problem once, not at every check while it lasts.</summary>
    private void Problem(string problem)
    {
        if (problem != _lastProblem)
        {
            _lastProblem = problem;
            log.LogWarning("webhook certificate: {Problem}; {Serving}", problem, _current is null ? "no certificate to serve yet" : "serving the last good one");
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _current?.Dispose();
            _current = null;
        }
    }
}
