-- wrk script: successful sign-ins as the benchmark account (see bench/run.sh).
wrk.method = "POST"
wrk.body = "email=bench%40example.org&password=benchmark+passphrase+2026"
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
