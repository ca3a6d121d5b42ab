/* gwhist's mbedTLS 3.6 configuration: a TLS 1.2 + 1.3 client and nothing else.
 * Every option here is on because the client needs it; everything not listed
 * (server side, DTLS, renegotiation, CBC suites, legacy hashes, file-system
 * helpers, the entropy module) is off. check_config.h validates the set at
 * build time, so a wrong combination fails the mbedTLS build, not a handshake. */
#ifndef GWHIST_MBEDTLS_CONFIG_H
#define GWHIST_MBEDTLS_CONFIG_H

/* ---- platform ---------------------------------------------------------- */
#define MBEDTLS_HAVE_ASM
#define MBEDTLS_HAVE_TIME
/* certificate validity dates need the wall clock as a date */
#define MBEDTLS_HAVE_TIME_DATE
#define MBEDTLS_PLATFORM_C
/* lets mbedtls_platform_set_calloc_free() point at the static arena */
#define MBEDTLS_PLATFORM_MEMORY
/* the fixed arena: mbedTLS never calls the libc malloc */
#define MBEDTLS_MEMORY_BUFFER_ALLOC_C
/* arena blocks aligned for 8-byte members (the default of 4 gives mbedTLS
 * structs misaligned int64/pointers: UBSan aborts, strict CPUs may fault) */
#define MBEDTLS_MEMORY_ALIGN_MULTIPLE 8
/* keeps the arena's high-water mark (mbedtls_memory_buffer_alloc_max_get),
 * which --stats and the soak test report; no change to block headers */
#define MBEDTLS_MEMORY_DEBUG
/* no /dev/urandom poller: randomness comes from getrandom() in port/ */
#define MBEDTLS_NO_PLATFORM_ENTROPY
/* PSA takes its random bytes from mbedtls_psa_external_get_random() (getrandom),
 * which drops the entropy module and CTR_DRBG (about 8 KB of text) */
#define MBEDTLS_PSA_CRYPTO_EXTERNAL_RNG

/* ---- PSA crypto (required by TLS 1.3 in 3.6) ---------------------------- */
#define MBEDTLS_PSA_CRYPTO_C
#define MBEDTLS_USE_PSA_CRYPTO
/* one process, one thread: PSA may work in the caller's record buffers
 * instead of copying every 16 KB record (halves the arena peak) */
#define MBEDTLS_PSA_ASSUME_EXCLUSIVE_BUFFERS
/* one handshake's keys at a time; the default of 32 slots wastes arena */
#define MBEDTLS_PSA_KEY_SLOT_COUNT 8

/* ---- symmetric crypto and hashes ---------------------------------------- */
#define MBEDTLS_CIPHER_C
#define MBEDTLS_MD_C
/* TLS 1.3 key schedule: enables PSA's HKDF extract/expand */
#define MBEDTLS_HKDF_C
#define MBEDTLS_AES_C
/* AES tables in ROM once, not four times */
#define MBEDTLS_AES_FEWER_TABLES
#define MBEDTLS_AES_ROM_TABLES
#define MBEDTLS_GCM_C
#define MBEDTLS_CHACHA20_C
#define MBEDTLS_POLY1305_C
#define MBEDTLS_CHACHAPOLY_C
#define MBEDTLS_SHA224_C
#define MBEDTLS_SHA256_C
#define MBEDTLS_SHA384_C
/* SHA-384 is implemented in the SHA-512 module; CA certificates use SHA-512 too */
#define MBEDTLS_SHA512_C
/* SHA-1 and MD5 stay off: roots signed with SHA-1 are trusted by their key,
 * their own signature is never checked */

/* ---- public-key crypto -------------------------------------------------- */
#define MBEDTLS_BIGNUM_C
#define MBEDTLS_ECP_C
#define MBEDTLS_ECP_DP_SECP256R1_ENABLED
#define MBEDTLS_ECP_DP_SECP384R1_ENABLED
/* X25519 key exchange */
#define MBEDTLS_ECP_DP_CURVE25519_ENABLED
/* +3.5 KB text, 2.4x faster EC handshakes (see shared/MEASURING.md) */
#define MBEDTLS_ECP_NIST_OPTIM
#define MBEDTLS_ECDH_C
#define MBEDTLS_ECDSA_C
#define MBEDTLS_RSA_C
#define MBEDTLS_PKCS1_V15
/* RSA-PSS: TLS 1.3 signs with rsa_pss_rsae against RSA servers */
#define MBEDTLS_PKCS1_V21

/* ---- ASN.1, PEM, X.509 --------------------------------------------------- */
#define MBEDTLS_ASN1_PARSE_C
/* ECDSA signatures are converted between ASN.1 and raw form for PSA */
#define MBEDTLS_ASN1_WRITE_C
#define MBEDTLS_OID_C
#define MBEDTLS_PK_C
#define MBEDTLS_PK_PARSE_C
#define MBEDTLS_BASE64_C
#define MBEDTLS_PEM_PARSE_C
#define MBEDTLS_X509_USE_C
#define MBEDTLS_X509_CRT_PARSE_C
/* without it TLS 1.3 against an RSA server ends in a fatal alert, because it
 * also gates the rsa_pss_rsae algorithms offered in the ClientHello */
#define MBEDTLS_X509_RSASSA_PSS_SUPPORT
/* CA certificates are looked up per chain and parsed one at a time from
 * the bundle (port/posix/tls.c), so memory does not grow with the bundle */
#define MBEDTLS_X509_TRUSTED_CERTIFICATE_CALLBACK

/* ---- TLS client ---------------------------------------------------------- */
#define MBEDTLS_SSL_TLS_C
#define MBEDTLS_SSL_CLI_C
#define MBEDTLS_SSL_PROTO_TLS1_2
#define MBEDTLS_SSL_PROTO_TLS1_3
#define MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_EPHEMERAL_ENABLED
/* resumption with tickets in TLS 1.3 */
#define MBEDTLS_SSL_TLS1_3_KEY_EXCHANGE_MODE_PSK_EPHEMERAL_ENABLED
/* middleboxes on router uplinks drop TLS 1.3 without it */
#define MBEDTLS_SSL_TLS1_3_COMPATIBILITY_MODE
#define MBEDTLS_KEY_EXCHANGE_ECDHE_ECDSA_ENABLED
#define MBEDTLS_KEY_EXCHANGE_ECDHE_RSA_ENABLED
#define MBEDTLS_SSL_SERVER_NAME_INDICATION
#define MBEDTLS_SSL_SESSION_TICKETS
/* RFC 7627: required by careful TLS 1.2 servers, cheap */
#define MBEDTLS_SSL_EXTENDED_MASTER_SECRET
/* the server may send full 16 KB records; we never send more than a request */
#define MBEDTLS_SSL_IN_CONTENT_LEN 16384
#define MBEDTLS_SSL_OUT_CONTENT_LEN 2048
/* TLS 1.3 in 3.6 requires it (check_config.h); costs the peer chain in the
 * arena for the life of a connection */
#define MBEDTLS_SSL_KEEP_PEER_CERTIFICATE

#endif
