// Build output. Not the user's code.
import 'package:flutter/widgets.dart';

class BuildOutputPlaceholder extends StatelessWidget {
  const BuildOutputPlaceholder({super.key});

  @override
  Widget build(BuildContext context) {
    return const SizedBox.shrink();
  }
}
