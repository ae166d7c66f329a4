// Tool cache output. Not the user's code.
import 'package:flutter/widgets.dart';

class DartToolPlaceholder extends StatelessWidget {
  const DartToolPlaceholder({super.key});

  @override
  Widget build(BuildContext context) {
    return const Placeholder();
  }
}
