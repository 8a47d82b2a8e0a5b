// Certificates made with the openssl command line at test time, in a
// temporary directory: a test CA, leaves it signed (valid for 127.0.0.1 and
// localhost; for another host only; expired), and an unrelated CA.
#pragma once

#include <cstdlib>
#include <stdexcept>
#include <string>

#include <unistd.h>

namespace dltest {

class TlsFiles {
 public:
  TlsFiles() {
    char pattern[] = "/tmp/dl_tls_XXXXXX";
    if (!mkdtemp(pattern)) throw std::runtime_error("mkdtemp failed");
    dir_ = pattern;
    const std::string ec = " -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes";
    run("openssl req -x509" + ec + " -days 2 -subj /CN=directline-test-ca -keyout ca.key -out ca.pem");
    run("openssl req -x509" + ec + " -days 2 -subj /CN=unrelated-ca -keyout other-ca.key -out other-ca.pem");
    run("openssl req" + ec + " -subj /CN=leaf -keyout leaf.key -out leaf.csr");
    leaf("good", "subjectAltName=IP:127.0.0.1,DNS:localhost", "2");
    leaf("wrong-host", "subjectAltName=DNS:other.example", "2");
    leaf("expired", "subjectAltName=IP:127.0.0.1,DNS:localhost", "-1");  // notAfter before now
  }
  ~TlsFiles() { std::system(("rm -rf '" + dir_ + "'").c_str()); }
  TlsFiles(const TlsFiles &) = delete;
  TlsFiles &operator=(const TlsFiles &) = delete;

  std::string ca() const { return dir_ + "/ca.pem"; }
  std::string other_ca() const { return dir_ + "/other-ca.pem"; }
  std::string key() const { return dir_ + "/leaf.key"; }  // every leaf shares it
  std::string cert(const std::string &name) const { return dir_ + "/" + name + ".pem"; }

 private:
  void run(const std::string &command) {
    if (std::system(("cd '" + dir_ + "' && " + command + " >/dev/null 2>&1").c_str()) != 0)
      throw std::runtime_error("openssl failed: " + command);
  }
  void leaf(const std::string &name, const std::string &san, const std::string &days) {
    run("printf '%s\\n' '" + san + "' > " + name + ".ext && openssl x509 -req -in leaf.csr -CA ca.pem -CAkey ca.key"
        " -CAcreateserial -days " + days + " -extfile " + name + ".ext -out " + name + ".pem");
  }
  std::string dir_;
};

}  // namespace dltest
