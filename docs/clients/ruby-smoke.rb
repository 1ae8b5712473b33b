require 'aws-sdk-s3'
require 'net/http'
require 'securerandom'
require 'tempfile'
require 'cgi'
# A smoke test of the AWS SDK for Ruby against osslite (docs/sdk-suites.md,
# "AWS SDK for Ruby"): S3_ENDPOINT, S3_ACCESS_KEY and S3_SECRET_KEY name the server.
$fails = 0
def check(name)
  r = yield
  puts "ok   #{name}#{r.is_a?(String) ? ' ' + r : ''}"
rescue => e
  $fails += 1
  puts "FAIL #{name}: #{e.class}: #{e.message[0, 300]}"
end
endpoint = ENV.fetch('S3_ENDPOINT', 'http://127.0.0.1:9000')
opts = { endpoint: endpoint, region: 'us-east-1', force_path_style: true,
         credentials: Aws::Credentials.new(ENV.fetch('S3_ACCESS_KEY', 'osslite'), ENV.fetch('S3_SECRET_KEY', 'osslite-secret')) }
s3 = Aws::S3::Client.new(**opts)
b = "rb-#{SecureRandom.hex(4)}"
check('create_bucket') { s3.create_bucket(bucket: b) }
check('head_bucket') { s3.head_bucket(bucket: b) }
check('get_bucket_location') { s3.get_bucket_location(bucket: b).location_constraint.inspect }
check('put_object') { s3.put_object(bucket: b, key: 'a/b c+d.txt', body: 'hello', content_type: 'text/plain', metadata: { 'x' => 'y' }) }
check('get_object') { r = s3.get_object(bucket: b, key: 'a/b c+d.txt'); raise "body #{r.body.read}" unless r.body.string == 'hello'; raise 'meta' unless r.metadata['x'] == 'y'; r.content_type }
check('get_object range') { r = s3.get_object(bucket: b, key: 'a/b c+d.txt', range: 'bytes=1-2'); raise r.body.read unless r.body.read == 'el'; r.content_range }
check('head_object') { s3.head_object(bucket: b, key: 'a/b c+d.txt').content_length.to_s }
check('head missing -> NotFound') { begin; s3.head_object(bucket: b, key: 'nope'); raise 'no error'; rescue Aws::S3::Errors::NotFound; 'NotFound'; end }
check('get missing -> NoSuchKey') { begin; s3.get_object(bucket: b, key: 'nope'); raise 'no error'; rescue Aws::S3::Errors::NoSuchKey => e; e.message; end }
check('list_objects_v2') { r = s3.list_objects_v2(bucket: b, prefix: 'a/', delimiter: '/'); r.contents.map(&:key).join(',') }
check('list_objects v1 url-enc') { s3.list_objects(bucket: b, encoding_type: 'url').contents.map(&:key).join(',') }
check('copy_object') { s3.copy_object(bucket: b, key: 'copy', copy_source: "#{b}/#{CGI.escape('a/b c+d.txt').gsub('%2F', '/')}"); s3.get_object(bucket: b, key: 'copy').body.read }
check('tagging') { s3.put_object_tagging(bucket: b, key: 'copy', tagging: { tag_set: [{ key: 'k', value: 'v' }] }); s3.get_object_tagging(bucket: b, key: 'copy').tag_set.map(&:key).join }
check('acl') { s3.put_object_acl(bucket: b, key: 'copy', acl: 'public-read'); s3.get_object_acl(bucket: b, key: 'copy').grants.size.to_s }
check('delete_objects') { r = s3.delete_objects(bucket: b, delete: { objects: [{ key: 'copy' }, { key: 'missing' }] }); r.deleted.map(&:key).join(',') }
check('presigned get') { url = Aws::S3::Presigner.new(client: s3).presigned_url(:get_object, bucket: b, key: 'a/b c+d.txt', expires_in: 60); r = Net::HTTP.get_response(URI(url)); raise "#{r.code} #{r.body}" unless r.code == '200'; r.body }
check('presigned put') { url = Aws::S3::Presigner.new(client: s3).presigned_url(:put_object, bucket: b, key: 'pp', expires_in: 60); u = URI(url); r = Net::HTTP.start(u.host, u.port) { |h| h.send_request('PUT', u.request_uri, 'data') }; raise "#{r.code} #{r.body}" unless r.code == '200'; s3.get_object(bucket: b, key: 'pp').body.read }
check('presigned post') {
  post = Aws::S3::Resource.new(client: s3).bucket(b).presigned_post(key: 'post/${filename}', content_length_range: 1..100, success_action_status: '201')
  u = URI(post.url)
  boundary = 'XyZ' + SecureRandom.hex(4)
  body = +''
  post.fields.each { |k, v| body << "--#{boundary}\r\nContent-Disposition: form-data; name=\"#{k}\"\r\n\r\n#{v}\r\n" }
  body << "--#{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"f.txt\"\r\nContent-Type: text/plain\r\n\r\nposted\r\n--#{boundary}--\r\n"
  r = Net::HTTP.start(u.host, u.port) { |h| h.post(u.request_uri, body, 'Content-Type' => "multipart/form-data; boundary=#{boundary}") }
  raise "#{r.code} #{r.body}" unless r.code == '201'
  s3.get_object(bucket: b, key: 'post/f.txt').body.read
}
big = Tempfile.new('big'); big.write(SecureRandom.random_bytes(17 * 1024 * 1024)); big.flush
check('upload_file multipart') { ok = Aws::S3::Resource.new(client: s3).bucket(b).object('big').upload_file(big.path, multipart_threshold: 5 * 1024 * 1024); raise 'false' unless ok; s3.head_object(bucket: b, key: 'big').etag }
check('download_file') { out = Tempfile.new('out'); Aws::S3::Resource.new(client: s3).bucket(b).object('big').download_file(out.path, chunk_size: 5 * 1024 * 1024, mode: 'get_range'); raise 'differs' unless File.binread(out.path) == File.binread(big.path); 'same' }
check('download_file parts') { out = Tempfile.new('out2'); Aws::S3::Resource.new(client: s3).bucket(b).object('big').download_file(out.path); raise 'differs' unless File.binread(out.path) == File.binread(big.path); 'same' }
check('upload_stream') { Aws::S3::Resource.new(client: s3).bucket(b).object('stream').upload_stream(part_size: 5 * 1024 * 1024) { |w| 3.times { w << ('z' * 3 * 1024 * 1024) } }; s3.head_object(bucket: b, key: 'stream').content_length.to_s }
check('multipart list_parts/abort') { u = s3.create_multipart_upload(bucket: b, key: 'mp'); s3.upload_part(bucket: b, key: 'mp', upload_id: u.upload_id, part_number: 1, body: 'x'); n = s3.list_parts(bucket: b, key: 'mp', upload_id: u.upload_id).parts.size; l = s3.list_multipart_uploads(bucket: b).uploads.size; s3.abort_multipart_upload(bucket: b, key: 'mp', upload_id: u.upload_id); "#{n} #{l}" }
check('versioning') { s3.put_bucket_versioning(bucket: b, versioning_configuration: { status: 'Enabled' }); s3.put_object(bucket: b, key: 'v', body: '1'); s3.put_object(bucket: b, key: 'v', body: '2'); s3.list_object_versions(bucket: b, prefix: 'v').versions.size.to_s }
check('resource iterate + batch delete') { bk = Aws::S3::Resource.new(client: s3).bucket(b); n = bk.object_versions.count; bk.object_versions.batch_delete!; "#{n} -> #{bk.object_versions.count}" }
check('bucket tagging/cors/lifecycle/policy') {
  s3.put_bucket_tagging(bucket: b, tagging: { tag_set: [{ key: 'a', value: 'b' }] })
  s3.put_bucket_cors(bucket: b, cors_configuration: { cors_rules: [{ allowed_methods: ['GET'], allowed_origins: ['*'] }] })
  s3.put_bucket_lifecycle_configuration(bucket: b, lifecycle_configuration: { rules: [{ id: 'r', status: 'Enabled', filter: { prefix: 'tmp/' }, expiration: { days: 1 } }] })
  s3.put_bucket_policy(bucket: b, policy: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: "arn:aws:s3:::#{b}/*" }] }.to_json)
  [s3.get_bucket_tagging(bucket: b).tag_set.size, s3.get_bucket_cors(bucket: b).cors_rules.size, s3.get_bucket_lifecycle_configuration(bucket: b).rules.size, s3.get_bucket_policy(bucket: b).policy.read.size].join(' ')
}
check('select') {
  s3.put_object(bucket: b, key: 'd.csv', body: "a,b\n1,2\n3,4\n")
  out = +''
  s3.select_object_content(bucket: b, key: 'd.csv', expression: 'select s.b from s3object s', expression_type: 'SQL',
    input_serialization: { csv: { file_header_info: 'USE' } }, output_serialization: { csv: {} }) { |st| st.on_records_event { |e| out << e.payload.read } }
  out.inspect
}
check('delete bucket (non-empty -> BucketNotEmpty)') { begin; s3.delete_bucket(bucket: b); raise 'deleted'; rescue Aws::S3::Errors::BucketNotEmpty; 'BucketNotEmpty'; end }
check('cleanup') { Aws::S3::Resource.new(client: s3).bucket(b).delete!; 'gone' }
puts "fails=#{$fails}"
exit($fails.zero? ? 0 : 1)
