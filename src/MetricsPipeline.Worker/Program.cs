using MetricsPipeline.Worker.Cli;

// The worker is a command-line program whose default verb is the service. Each verb wires a host
// (Hosting/WorkerHost.cs) and asks the library to do the work; nothing is computed here.
return await CommandLine.RunAsync(args);
