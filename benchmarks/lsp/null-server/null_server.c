/*
 * A language server that does no work: the floor of what lsp-bench can measure on a machine.
 *
 * It answers lsp-bench's requests at once with answers recorded from a real server (benchmarks/scripts/
 * lsp_record_answers.py writes them): each completion probe gets the recorded list of its case (found by the case's
 * name in the document's uri), every hover the recorded hover, a didOpen or didChange its (empty) diagnostics, and any
 * other request null. The client then parses exactly the bytes it parses from the real server, so the difference
 * between the two in one lsp-bench run is the real server's own share of the latency, tail included.
 *
 *   cc -O2 -o null-server null_server.c && NULL_SERVER_ANSWERS=DIR ./null-server --stdio
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <unistd.h>

#define MAX_CASES 64

static char *body;
static size_t body_capacity;
static char header[512];
static int header_length, header_position;
static char *case_names[MAX_CASES], *case_answers[MAX_CASES];
static int cases;
static char *hover_answer = "null";

static int next_byte(void) {
  if (header_position == header_length) {
    header_length = (int)read(0, header, sizeof header);
    header_position = 0;
    if (header_length <= 0) return -1;
  }
  return (unsigned char)header[header_position++];
}

/* One framed message into body; -1 at the end of the input. */
static int read_message(void) {
  char line[256];
  int n = 0;
  size_t length = 0;
  for (;;) {
    int c = next_byte();
    if (c < 0) return -1;
    if (c != '\n') { if (n < (int)sizeof line - 1) line[n++] = (char)c; continue; }
    line[n] = 0;
    if (n <= 1) break; /* the empty line after the headers */
    if (!strncmp(line, "Content-Length:", 15)) length = strtoul(line + 15, NULL, 10);
    n = 0;
  }
  if (length + 1 > body_capacity) { body_capacity = length + 1; body = realloc(body, body_capacity); if (!body) exit(3); }
  size_t have = (size_t)(header_length - header_position);
  if (have > length) have = length;
  memcpy(body, header + header_position, have);
  header_position += (int)have;
  while (have < length) {
    ssize_t k = read(0, body + have, length - have);
    if (k <= 0) return -1;
    have += (size_t)k;
  }
  body[length] = 0;
  return 0;
}

static void send_text(const char *text) {
  char frame_header[64];
  size_t length = strlen(text);
  int h = snprintf(frame_header, sizeof frame_header, "Content-Length: %zu\r\n\r\n", length);
  char *frame = malloc((size_t)h + length);
  if (!frame) exit(3);
  memcpy(frame, frame_header, (size_t)h);
  memcpy(frame + h, text, length);
  for (size_t written = 0; written < (size_t)h + length;) { /* one write, as a real server does */
    ssize_t k = write(1, frame + written, (size_t)h + length - written);
    if (k <= 0) exit(1);
    written += (size_t)k;
  }
  free(frame);
}

/* The first "key": value of the body (a string without its quotes, or a number); empty when there is none. */
static void field(const char *key, char *out, size_t size) {
  char pattern[64];
  snprintf(pattern, sizeof pattern, "\"%s\":", key);
  const char *p = strstr(body, pattern);
  size_t i = 0;
  if (p) {
    p += strlen(pattern);
    while (*p == ' ') p++;
    if (*p == '"') { p++; while (*p && *p != '"' && i < size - 1) out[i++] = *p++; }
    else while (*p && *p != ',' && *p != '}' && i < size - 1) out[i++] = *p++;
  }
  out[i] = 0;
}

static char *read_file(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  rewind(f);
  char *text = malloc((size_t)n + 1);
  if (!text || fread(text, 1, (size_t)n, f) != (size_t)n) exit(3);
  text[n] = 0;
  fclose(f);
  while (n > 0 && (text[n - 1] == '\n' || text[n - 1] == ' ')) text[--n] = 0;
  return text;
}

/* DIR/completion-CASE.json and DIR/hover.json: each the "result" of one answer, as JSON. */
static void load_answers(const char *dir) {
  DIR *d = opendir(dir);
  if (!d) { fprintf(stderr, "null-server: no answers in %s (NULL_SERVER_ANSWERS)\n", dir); exit(2); }
  struct dirent *e;
  while ((e = readdir(d))) {
    char path[4096];
    size_t len = strlen(e->d_name);
    if (len < 6 || strcmp(e->d_name + len - 5, ".json")) continue;
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    if (!strcmp(e->d_name, "hover.json")) { hover_answer = read_file(path); continue; }
    if (strncmp(e->d_name, "completion-", 11) || cases == MAX_CASES) continue;
    case_names[cases] = strndup(e->d_name + 11, len - 16);
    case_answers[cases++] = read_file(path);
  }
  closedir(d);
}

int main(void) {
  load_answers(getenv("NULL_SERVER_ANSWERS") ? getenv("NULL_SERVER_ANSWERS") : ".");
  static char out[1 << 16];
  while (!read_message()) {
    char method[128], id[64], uri[2048], version[32];
    field("method", method, sizeof method);
    field("id", id, sizeof id);
    if (!strcmp(method, "initialize")) {
      snprintf(out, sizeof out,
               "{\"jsonrpc\":\"2.0\",\"id\":%s,\"result\":{\"capabilities\":{\"textDocumentSync\":1,"
               "\"completionProvider\":{\"triggerCharacters\":[\":\",\" \"]},\"hoverProvider\":true},"
               "\"serverInfo\":{\"name\":\"null-server\"}}}", id);
      send_text(out);
    } else if (!strcmp(method, "textDocument/didOpen") || !strcmp(method, "textDocument/didChange")) {
      field("uri", uri, sizeof uri);
      field("version", version, sizeof version);
      snprintf(out, sizeof out,
               "{\"jsonrpc\":\"2.0\",\"method\":\"textDocument/publishDiagnostics\",\"params\":{\"uri\":\"%s\","
               "\"version\":%s,\"diagnostics\":[]}}", uri, version[0] ? version : "null");
      send_text(out);
    } else if (!strcmp(method, "textDocument/completion") || !strcmp(method, "textDocument/hover")) {
      const char *answer = hover_answer;
      if (method[13] == 'c') {
        field("uri", uri, sizeof uri);
        answer = "[]";
        for (int i = 0; i < cases; i++) {
          char name[300];
          snprintf(name, sizeof name, "__probe-%s.", case_names[i]);
          if (strstr(uri, name)) { answer = case_answers[i]; break; }
        }
      }
      size_t size = strlen(answer) + 128;
      char *message = malloc(size);
      if (!message) exit(3);
      snprintf(message, size, "{\"jsonrpc\":\"2.0\",\"id\":%s,\"result\":%s}", id, answer);
      send_text(message);
      free(message);
    } else if (!strcmp(method, "exit")) {
      return 0;
    } else if (method[0] && id[0]) {
      snprintf(out, sizeof out, "{\"jsonrpc\":\"2.0\",\"id\":%s,\"result\":null}", id);
      send_text(out);
    }
  }
  return 0;
}
